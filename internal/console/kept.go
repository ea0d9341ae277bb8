package console

import (
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/status"
)

const (
	// maxPath bounds an instance or keyword location kept: an instance
	// path holds the frame's property names, and a frame may be 10 MiB.
	maxPath = 256
	// maxMessage bounds a message kept (show_data): a validator's message
	// may quote a long value.
	maxMessage = 512
	// maxErrorBytes bounds the strings an error keeps: the violations past
	// it are left out and counted as omitted. The message and one
	// violation always fit.
	maxErrorBytes = 2 << 10
)

// hiddenMessage stands for a refusal's message when console.show_data is
// off: the validator's messages quote the data ("'jane@…' is not valid
// 'email'", "but found 7", the names of additional properties), so the
// console shows a violation by its keyword and locations only.
const hiddenMessage = "hidden: console.show_data is off"

// keptError is what the console keeps and shows of a frame's error, a
// copy whose strings are clipped (the ring's memory bound counts on it):
// with show_data, the error; without, its code, its keywords and
// locations, and no message that may quote the frame. The client got the
// error in full.
func keptError(err *status.Error, showData bool) *status.Error {
	if err == nil {
		return nil
	}
	out := &status.Error{Code: err.Code, Omitted: err.Omitted, Message: hiddenMessage}
	if showData || len(err.Details) > 0 {
		// With details, the message is "data does not match <type> v<version>".
		out.Message = clip(err.Message, maxMessage)
	}
	budget := maxErrorBytes - len(out.Message)
	for i, d := range err.Details {
		k := status.Detail{InstanceLocation: clip(d.InstanceLocation, maxPath), KeywordLocation: clip(d.KeywordLocation, maxPath)}
		if showData {
			k.Message = clip(d.Message, maxMessage)
		}
		if budget -= len(k.InstanceLocation) + len(k.KeywordLocation) + len(k.Message); budget < 0 {
			out.Omitted += len(err.Details) - i
			break
		}
		out.Details = append(out.Details, k)
	}
	return out
}

// clip cuts s to at most n bytes, on a character's boundary, and marks the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
