package natsbus

import (
	"bytes"
	"encoding/json"

	"github.com/schemagate/schemagate/internal/action"
)

// encodeRecord is a message's body: action.Record, the shape the file
// action writes and the webhook posts, without the line's newline.
func encodeRecord(ev action.Event) ([]byte, error) {
	line, err := action.EncodeRecord(ev)
	return bytes.TrimSuffix(line, []byte("\n")), err
}

// eventFrame is what a subscriber receives for each event:
// {"event":{"id","type","version","data"}}.
type eventFrame struct {
	Event frameEvent `json:"event"`
}

type frameEvent struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Version int             `json:"version"`
	Data    json.RawMessage `json:"data"`
}

// subscriberFrame turns a stored message's body into a subscriber's frame,
// and says the event's type for routing it.
func subscriberFrame(body []byte) (frame []byte, typ string, err error) {
	var r action.Record
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(eventFrame{frameEvent{ID: r.ID, Type: r.Type, Version: r.Version, Data: r.Data}}); err != nil {
		return nil, "", err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), r.Type, nil
}
