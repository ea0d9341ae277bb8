package status

import (
	"net/http"

	"google.golang.org/grpc/codes"
)

// WriteHTTP answers a request with e: the reply object, and httpStatus
// (normally e.HTTPStatus(); HTTP has a few more precise ones, such as 413
// and 415). Every front door refuses through it, so an HTTP client sees one
// error shape whether an upgrade or an API call was refused.
func WriteHTTP(w http.ResponseWriter, httpStatus int, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if e.Code == codes.Unauthenticated {
		h.Set("WWW-Authenticate", `Bearer realm="schemagate"`)
	}
	w.WriteHeader(httpStatus)
	// A failed write means the client went away; nobody is left to tell.
	_, _ = w.Write(e.ReplyJSON())
}
