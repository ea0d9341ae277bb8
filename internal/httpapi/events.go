package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// postEvents takes one envelope, or a JSON array of them (a batch). A
// single envelope gets the pipeline's reply and the status of its code;
// anything that is not an array, a scalar or broken JSON included, goes to
// the pipeline too, so it is refused in the same words as on a WebSocket.
func (a *API) postEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readBody(w, r)
	if !ok {
		return
	}
	received := time.Now()
	if firstByte(body) == '[' {
		a.postBatch(w, r, body, received)
		return
	}
	out := a.p.Envelope(r.Context(), body, received, nil)
	writeOutcome(w, out.Code, out.Reply)
}

// postBatch answers an array of envelopes with an array of their replies
// in the same order: 200 when every one was accepted, 207 otherwise, so a
// client can tell at a glance whether it must look at the items. Items run
// one after another, so that sinks see them in the order sent.
func (a *API) postBatch(w http.ResponseWriter, r *http.Request, body []byte, received time.Time) {
	items, httpStatus, err := splitBatch(body, a.o.MaxBatch)
	if err != nil {
		status.WriteHTTP(w, httpStatus, err)
		return
	}
	replies := make([]byte, 0, 32*len(items)+2)
	replies = append(replies, '[')
	httpStatus = http.StatusOK
	for i, item := range items {
		if i > 0 {
			replies = append(replies, ',')
			// Each item is received when its turn comes: from the
			// batch's receipt, the pipeline's time would count every
			// item judged before it (a 100-item batch into an fsyncing
			// sink put 62 items over a second).
			received = time.Now()
		}
		out := a.p.Envelope(r.Context(), item, received, replies)
		replies = out.Reply
		if out.Code != codes.OK {
			httpStatus = http.StatusMultiStatus
		}
	}
	replies = append(replies, ']')
	writeJSON(w, httpStatus, "application/json", replies)
}

// splitBatch cuts a JSON array into its elements' bytes. It checks only
// the array's syntax; each element is decoded by the pipeline, once.
func splitBatch(body []byte, max int) ([]json.RawMessage, int, *status.Error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // the '[' firstByte saw
		return nil, http.StatusBadRequest, malformedBatch(err)
	}
	var items []json.RawMessage
	for dec.More() {
		if len(items) == max {
			return nil, http.StatusRequestEntityTooLarge,
				status.Newf(codes.ResourceExhausted, "batch holds more than %d envelopes", max)
		}
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			return nil, http.StatusBadRequest, malformedBatch(err)
		}
		items = append(items, item)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, http.StatusBadRequest, malformedBatch(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, http.StatusBadRequest, status.New(codes.InvalidArgument, "batch: data after the closing ]")
	}
	if len(items) == 0 {
		return nil, http.StatusBadRequest, status.New(codes.InvalidArgument, "batch is empty")
	}
	return items, 0, nil
}

func malformedBatch(err error) *status.Error {
	return status.New(codes.InvalidArgument, "batch is not a valid JSON array: "+err.Error())
}

// postBare takes the bare data of one schema, named by the path, and
// answers like a bare WebSocket route: the reply without an id, or the
// handler's result itself (the echo).
func (a *API) postBare(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		writeError(w, err)
		return
	}
	body, ok := a.readBody(w, r)
	if !ok {
		return
	}
	out := a.p.Bare(r.Context(), key, body, time.Now(), nil, false)
	writeOutcome(w, out.Code, out.Reply)
}

// upgradeBare hands a WebSocket upgrade on a bare path to its handler. An
// unknown schema is refused here, before any connection exists.
func (a *API) upgradeBare(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		writeError(w, err)
		return
	}
	h, ok := a.upgrades[key]
	if !ok {
		writeError(w, validate.NoSchema(key))
		return
	}
	h.ServeHTTP(w, r)
}

// firstByte is the first non-space byte of a body, or 0.
func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}
