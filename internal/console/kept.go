package console

import "github.com/schemagate/schemagate/internal/status"

// hiddenMessage stands for a refusal's message when console.show_data is
// off: the validator's messages quote the data ("'jane@…' is not valid
// 'email'", "but found 7", the names of additional properties), so the
// console shows a violation by its keyword and locations only.
const hiddenMessage = "hidden: console.show_data is off"

// keptError is what the console keeps and shows of a frame's error: with
// show_data, the error; without, its code, its keywords and locations, and
// no message that may quote the frame. The client got the error in full.
func keptError(err *status.Error, showData bool) *status.Error {
	if err == nil || showData {
		return err
	}
	out := &status.Error{Code: err.Code, Omitted: err.Omitted, Message: hiddenMessage}
	if len(err.Details) > 0 {
		out.Message = err.Message // "data does not match <type> v<version>": the schema's key
		out.Details = make([]status.Detail, len(err.Details))
		for i, d := range err.Details {
			out.Details[i] = status.Detail{InstanceLocation: d.InstanceLocation, KeywordLocation: d.KeywordLocation}
		}
	}
	return out
}
