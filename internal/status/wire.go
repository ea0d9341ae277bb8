package status

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

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
func (e *Error) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// AppendJSON appends the client-facing form to dst: byte for byte what
// encoding/json writes for wire with HTML escaping off (messages such as
// "must be >= 0" are read by people and programs, never embedded in a page
// unescaped), without its reflection and buffers, which were most of what
// writing a rejection's reply cost. FuzzAppendJSON holds it to
// encoding/json.
func (e *Error) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"code":`...)
	dst = strconv.AppendUint(dst, uint64(e.Code), 10)
	dst = append(dst, `,"status":`...)
	dst = appendString(dst, e.Status())
	dst = append(dst, `,"message":`...)
	dst = appendString(dst, e.Message)
	if len(e.Details) > 0 {
		dst = append(dst, `,"details":[`...)
		for i, d := range e.Details {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"instanceLocation":`...)
			dst = appendString(dst, d.InstanceLocation)
			dst = append(dst, `,"keywordLocation":`...)
			dst = appendString(dst, d.KeywordLocation)
			dst = append(dst, `,"message":`...)
			dst = appendString(dst, d.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if e.Omitted != 0 {
		dst = append(dst, `,"omitted":`...)
		dst = strconv.AppendInt(dst, int64(e.Omitted), 10)
	}
	return append(dst, '}')
}

// appendString appends s as encoding/json writes a string with HTML
// escaping off: '"', '\\' and control characters escaped, invalid UTF-8
// as U+FFFD, and U+2028 and U+2029 escaped for JavaScript's sake.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b != '"' && b != '\\' && b < utf8.RuneSelf {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
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
