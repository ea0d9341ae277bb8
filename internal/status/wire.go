package status

import (
	"bytes"
	"encoding/json"

	"google.golang.org/grpc/codes"
)

// wire is the JSON form of an Error: google.rpc.Status's fields, with the
// code's name beside the number so a person reading a reply needs no table.
type wire struct {
	Code    codes.Code `json:"code"`
	Status  string     `json:"status"`
	Message string     `json:"message"`
	Details []Detail   `json:"details,omitempty"`
	// Omitted counts details left out by the cap.
	Omitted int `json:"omitted,omitempty"`
}

// MarshalJSON renders the client-facing form; Cause is never included.
// HTML escaping is off: messages such as "must be >= 0" are read by
// people and programs, never embedded in a page unescaped.
func (e *Error) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(wire{Code: e.Code, Status: e.Status(), Message: e.Message, Details: e.Details, Omitted: e.Omitted}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads the form MarshalJSON writes, for clients of the API.
func (e *Error) UnmarshalJSON(b []byte) error {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Error{Code: w.Code, Message: w.Message, Details: w.Details, Omitted: w.Omitted}
	return nil
}
