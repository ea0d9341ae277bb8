// Package status is schemagate's one error model: a gRPC code, a message and
// the violations behind it. Every front door derives what it shows from it:
// the WebSocket reply object, the HTTP status, the gRPC status with its
// details (grpc.go) and the CLI exit code.
package status

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
)

// Detail is one violation: where in the instance, which schema keyword, and
// a sentence for a person. The field names follow the JSON Schema output
// format so that a report reads the same everywhere.
type Detail struct {
	InstanceLocation string `json:"instanceLocation"`
	KeywordLocation  string `json:"keywordLocation"`
	Message          string `json:"message"`
}

// Error is the error value every layer returns. Code is the gRPC code; the
// wire form follows google.rpc.Status (numeric code, its name, message,
// details). Omitted counts the violations left out of Details by the cap, so
// a reply can never grow with the size of a hostile payload.
type Error struct {
	Code    codes.Code
	Message string
	Details []Detail
	Omitted int
	Cause   error // internal cause, logged but never sent to clients
}

// New returns an error with the given code and message.
func New(code codes.Code, msg string) *Error {
	return &Error{Code: code, Message: msg}
}

// Newf is New with a format.
func Newf(code codes.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with code and message that keeps cause for logs.
func Wrap(code codes.Code, cause error, msg string) *Error {
	return &Error{Code: code, Message: msg, Cause: cause}
}

// Unavailable is the error of a failure a resend may fix (a sink down, a
// full disk, a deadline): the client got no ack and may send again.
func Unavailable(cause error, msg string) *Error {
	return Wrap(codes.Unavailable, cause, msg)
}

// Error implements error.
func (e *Error) Error() string {
	// Callers often build the message from the cause; saying it twice
	// helps nobody reading a log line.
	if e.Cause != nil && !strings.Contains(e.Message, e.Cause.Error()) {
		return fmt.Sprintf("%s: %s: %v", e.Status(), e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Status(), e.Message)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// Status is the code's canonical name, as google.rpc.Status spells it
// (INVALID_ARGUMENT, NOT_FOUND, ...).
func (e *Error) Status() string { return CodeName(e.Code) }

// HTTPStatus is the HTTP status grpc-gateway gives the code, so a later gRPC
// endpoint and the HTTP API answer alike.
func (e *Error) HTTPStatus() int { return HTTPStatus(e.Code) }

// ExitCode is the process exit code for a CLI that fails with e.
func (e *Error) ExitCode() int { return ExitCode(e.Code) }

// From returns err as an *Error; any other error becomes INTERNAL with a
// generic message so that internals never leak to clients.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	return &Error{Code: codes.Internal, Message: "internal error", Cause: err}
}

// CodeOf is the code of err: OK for nil. It takes an *Error, not an
// error, so that a nil *Error can never pass as a non-nil error.
func CodeOf(err *Error) codes.Code {
	if err == nil {
		return codes.OK
	}
	return err.Code
}

// HTTPStatus maps a gRPC code to an HTTP status the way grpc-gateway does.
func HTTPStatus(c codes.Code) int {
	if c == codes.OK {
		return http.StatusOK
	}
	return runtime.HTTPStatusFromCode(c)
}

// ExitCode maps a code to a process exit code: 0 for OK, 2 for a problem
// with how the program was called or configured (bad flags, config, schema
// files), 1 for everything else (the work itself failed).
func ExitCode(c codes.Code) int {
	switch c {
	case codes.OK:
		return 0
	case codes.InvalidArgument, codes.FailedPrecondition, codes.NotFound, codes.Unimplemented:
		return 2
	default:
		return 1
	}
}

// CodeName is the canonical upper-case name of c, as google.rpc.Code spells
// it (codes.Code.String gives the CamelCase form instead).
func CodeName(c codes.Code) string {
	return code.Code(c).String()
}
