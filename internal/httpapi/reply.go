package httpapi

import (
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// writeError answers with the error body and the HTTP status grpc-gateway
// gives e's code.
func writeError(w http.ResponseWriter, e *status.Error) {
	status.WriteHTTP(w, e.HTTPStatus(), e)
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
