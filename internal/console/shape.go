package console

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// maxShapeItems is how many items of an array a shape shows.
const maxShapeItems = 3

// preview is frame as the console may show it, as JSON: the frame itself
// when showData (a string when it is not JSON or longer than limit),
// otherwise its shape. The type and version of an envelope are shown
// either way, since they are the event's key, not its data.
func preview(frame []byte, limit int, showData bool) json.RawMessage {
	if len(frame) > limit {
		return quote(fmt.Sprintf("‹%d bytes, too long to show here›", len(frame)))
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(frame))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		if showData {
			return quote(string(frame))
		}
		return quote(fmt.Sprintf("‹%d bytes, not JSON›", len(frame)))
	}
	if showData {
		return append(json.RawMessage(nil), frame...)
	}
	b, err := json.Marshal(shapeEnvelope(v))
	if err != nil { // shapes are maps, slices and strings
		return quote("‹shape unavailable›")
	}
	return b
}

// shapeEnvelope shapes v, keeping an envelope's type and version when
// they are a string or a number, as a key is: anything else there is
// data that broke the envelope, and shows as its shape.
func shapeEnvelope(v any) any {
	m, ok := v.(map[string]any)
	_, hasData := m["data"]
	if !ok || !hasData {
		return shape(v)
	}
	out := shape(m).(map[string]any)
	for _, k := range []string{"type", "version"} {
		switch x := m[k].(type) {
		case string, json.Number:
			out[k] = x
		}
	}
	return out
}

// shape replaces every value with its JSON type, keeping object keys and
// the first items of arrays: what the data looks like, not what it says.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shape(e)
		}
		return out
	case []any:
		out := make([]any, 0, min(len(x), maxShapeItems)+1)
		for i, e := range x {
			if i == maxShapeItems {
				out = append(out, fmt.Sprintf("‹%d more›", len(x)-maxShapeItems))
				break
			}
			out = append(out, shape(e))
		}
		return out
	case string:
		return "‹string›"
	case json.Number:
		return "‹number›"
	case bool:
		return "‹boolean›"
	}
	return nil
}

func quote(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}
