package event

import (
	"bytes"
	"encoding/json"
	"time"
)

// Record is an event as JSON, the one shape integrators parse whichever
// sink they read: the file action's line, the webhook's body, the NATS
// message, and (without "received") a subscriber's frame.
type Record struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Version  int             `json:"version"`
	Received string          `json:"received,omitempty"`
	Data     json.RawMessage `json:"data"`
}

// Record returns ev as JSON fields, the received time in RFC 3339 with
// nanoseconds, UTC.
func (ev Event) Record() Record {
	data := json.RawMessage(ev.Raw)
	if len(data) == 0 {
		data = nil // marshals as null; an empty RawMessage is not JSON
	}
	r := Record{ID: ev.ID, Type: ev.Key.Type, Version: ev.Key.Version, Data: data}
	if !ev.Received.IsZero() {
		r.Received = ev.Received.UTC().Format(time.RFC3339Nano)
	}
	return r
}

// Event is the record read back. A received time that does not parse is
// left zero.
func (r Record) Event() Event {
	t, _ := time.Parse(time.RFC3339Nano, r.Received)
	return Event{ID: r.ID, Key: Key{Type: r.Type, Version: r.Version}, Received: t, Raw: r.Data}
}

// Encode returns r as one line of JSON ending in "\n".
//
// The data keeps its values, string escapes and number spellings as
// received; only insignificant whitespace goes, because a pretty-printed
// object would otherwise span several lines and break NDJSON. Data that is
// not JSON is an error rather than a line no reader can parse.
func (r Record) Encode() ([]byte, error) { return r.AppendEncode(nil) }

// AppendEncode appends Encode's line to dst, so that a caller framing the
// line with bytes of its own builds it in one buffer.
func (r Record) AppendEncode(dst []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // "<" stays "<", as the client sent it
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
