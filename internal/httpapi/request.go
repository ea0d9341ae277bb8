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

// guarded wraps a /v1/ handler: Authorize first, then the request timeout,
// so that no handler can forget either.
func (a *API) guarded(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.o.Authorize != nil {
			if err := a.o.Authorize(r); err != nil {
				writeError(w, unauthenticated(err))
				return
			}
		}
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.o.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		status.WriteHTTP(w, http.StatusRequestEntityTooLarge,
			status.Newf(codes.ResourceExhausted, "request body is larger than %d bytes", tooBig.Limit))
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

// jsonContent accepts a missing Content-Type (curl -d without -H, many
// scripts) and application/json with at most a UTF-8 charset, the only
// encoding JSON has (RFC 8259).
func jsonContent(ct string) bool {
	if ct == "" {
		return true
	}
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
