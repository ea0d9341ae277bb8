package wire

import (
	"fmt"

	"google.golang.org/grpc/codes"
)

// Error is the error report of the contract: what a client receives when
// an event is refused, and what a handler returns to refuse one. Code is
// the gRPC code the client sees; UNAVAILABLE says a retry may succeed.
type Error struct {
	Code    codes.Code  `json:"code"`
	Status  string      `json:"status,omitempty"` // the code's name, as the server spells it
	Message string      `json:"message"`
	Details []Violation `json:"details,omitempty"`
	// Omitted counts violations the server left out of Details.
	Omitted int `json:"omitted,omitempty"`
}

// Violation is one reason data does not match its schema, in the JSON
// Schema output format's terms.
type Violation struct {
	InstanceLocation string `json:"instanceLocation"`
	KeywordLocation  string `json:"keywordLocation"`
	Message          string `json:"message"`
}

// Errorf returns an Error with code and a formatted message.
func Errorf(code codes.Code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// Error implements error: "INVALID_ARGUMENT: data does not match person v1".
func (e *Error) Error() string {
	name := e.Status
	if name == "" {
		name = e.Code.String()
	}
	return name + ": " + e.Message
}
