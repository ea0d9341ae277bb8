package httpapi

import (
	"encoding/json"
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// errorBody is the pipeline's reply shape for an error that no envelope
// could be read for: the id is null, exactly as on the WebSocket.
type errorBody struct {
	ID    *string       `json:"id"`
	OK    bool          `json:"ok"`
	Error *status.Error `json:"error"`
}

// writeError answers with the error body and the HTTP status grpc-gateway
// gives e's code.
func writeError(w http.ResponseWriter, e *status.Error) {
	writeErrorStatus(w, e.HTTPStatus(), e)
}

// writeErrorStatus is writeError for the few answers HTTP has a more
// precise status for than the code's mapping (413, 415).
func writeErrorStatus(w http.ResponseWriter, httpStatus int, e *status.Error) {
	body, err := json.Marshal(errorBody{Error: e})
	if err != nil {
		body = []byte(`{"id":null,"ok":false,"error":{"code":13,"status":"INTERNAL","message":"internal error"}}`)
	}
	if e.Code == codes.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="schemagate"`)
	}
	writeJSON(w, httpStatus, "application/json", body)
}

// writeOutcome answers with the pipeline's reply and the status its code
// maps to.
func writeOutcome(w http.ResponseWriter, code codes.Code, reply []byte) {
	writeJSON(w, status.HTTPStatus(code), "application/json", reply)
}

func writeJSON(w http.ResponseWriter, httpStatus int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(httpStatus)
	// A failed write means the client went away; there is no one left to
	// tell.
	_, _ = w.Write(body)
}
