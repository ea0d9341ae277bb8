package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// guarded wraps a /v1/ handler: a place among the requests in flight
// (front has checked host, origin and token), then the request timeout,
// so that no handler can forget either.
func (a *API) guarded(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > a.o.MaxBody {
			refuseUnread(w, r, http.StatusRequestEntityTooLarge, tooLarge(a.o.MaxBody)) // before it holds any of the budget
			return
		}
		release, ok := a.admit(w, r)
		if !ok {
			return
		}
		defer release()
		if a.o.RequestTimeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), a.o.RequestTimeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		h(w, r)
	})
}

// unauthenticated keeps the code of a status error (PERMISSION_DENIED, say)
// and turns any other error into UNAUTHENTICATED without its text, which
// may say more about the check than a stranger should learn.
func unauthenticated(err error) *status.Error {
	var se *status.Error
	if errors.As(err, &se) {
		return se
	}
	return status.Wrap(codes.Unauthenticated, err, "a valid bearer token is required")
}

// readBody reads a JSON request body within MaxBody. On failure it has
// answered already (415, 413 or 400) and returns false.
func (a *API) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if !jsonContent(r.Header.Get("Content-Type")) {
		status.WriteHTTP(w, http.StatusUnsupportedMediaType,
			status.New(codes.InvalidArgument, "Content-Type must be application/json"))
		return nil, false
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, a.o.MaxBody), r.ContentLength)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		status.WriteHTTP(w, http.StatusRequestEntityTooLarge, tooLarge(tooBig.Limit))
		return nil, false
	case err != nil:
		writeError(w, status.Wrap(codes.InvalidArgument, err, "request body could not be read"))
		return nil, false
	case len(bytes.TrimSpace(body)) == 0:
		writeError(w, status.New(codes.InvalidArgument, "request body is empty"))
		return nil, false
	}
	return body, true
}

func tooLarge(limit int64) *status.Error {
	return status.Newf(codes.ResourceExhausted, "request body is larger than %d bytes", limit)
}

// readAll reads a body whose declared length (-1 when unknown) has been
// checked against the limit into a buffer of exactly that size, so that
// the bytes held are the bytes reserved: bytes.Buffer and io.ReadAll grow
// by doubling, which held 20 MB for a 10 MB body.
func readAll(r io.Reader, declared int64) ([]byte, error) {
	if declared < 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, declared)
	_, err := io.ReadFull(r, buf)
	return buf, err
}

// jsonContent accepts application/json with at most a UTF-8 charset, the
// only encoding JSON has (RFC 8259). Nothing else, a missing type
// included: a browser sends a cross-origin POST with a form or text type
// without asking first (a "simple request"), so requiring JSON makes every
// browser preflight, and front refuses the preflights of foreign origins.
func jsonContent(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}
