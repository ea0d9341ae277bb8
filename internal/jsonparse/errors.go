package jsonparse

import (
	"errors"
	"strconv"
	"strings"
)

// ErrNotObject is returned by ParseObject when the input is valid JSON but
// not an object, so a caller can tell "not an envelope" from "not JSON".
var ErrNotObject = errors.New("invalid JSON frame: the value is not an object")

// SyntaxError reports input that is not JSON by this package's rules. The
// message is written for the person who sent the frame, so it says what was
// expected and what was found instead.
type SyntaxError struct {
	Offset int    // zero-based byte offset in the input where the problem was found
	Msg    string // what is wrong, for a human
}

// Error formats the error as "invalid JSON at byte N: msg".
func (e *SyntaxError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// DepthError reports arrays or objects nested deeper than the allowed
// maximum. Such input is refused before it can exhaust the stack or make
// the schema validator do unbounded work.
type DepthError struct {
	Offset   int // byte offset of the '[' or '{' that went one level too deep
	MaxDepth int // the limit that was exceeded
}

// Error formats the error as "invalid JSON at byte N: nesting deeper than M levels".
func (e *DepthError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) +
		": arrays and objects nested deeper than " + strconv.Itoa(e.MaxDepth) + " levels"
}

// DuplicateKeyError reports an object that names the same key twice. JSON
// leaves the meaning of such an object open (encoding/json keeps the last
// value, other parsers the first), so the gateway refuses it rather than
// validate one reading and forward another.
type DuplicateKeyError struct {
	Offset  int    // byte offset of the opening quote of the repeated key
	Pointer string // RFC 6901 JSON Pointer of the object holding the key; "" is the top-level value
	Key     string // the repeated key, with escapes decoded
}

// Error formats the error with the key and the pointer of its object.
func (e *DuplicateKeyError) Error() string {
	where := "the top-level object"
	if e.Pointer != "" {
		where = "the object at " + strconv.Quote(e.Pointer)
	}
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) +
		": duplicate key " + strconv.Quote(e.Key) + " in " + where
}

// inMember prefixes the pointer of a duplicate-key error bubbling up out of
// the value of member key. Building the pointer while unwinding means the
// success path never tracks a path at all.
func inMember(err error, key string) error {
	if d, ok := err.(*DuplicateKeyError); ok {
		d.Pointer = "/" + escapePointerToken(key) + d.Pointer
	}
	return err
}

// inElement is inMember for array element i.
func inElement(err error, i int) error {
	if d, ok := err.(*DuplicateKeyError); ok {
		d.Pointer = "/" + strconv.Itoa(i) + d.Pointer
	}
	return err
}

// escapePointerToken escapes a reference token as RFC 6901 section 3
// requires; '~' must go first or the '~' from "~1" would be escaped again.
func escapePointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
