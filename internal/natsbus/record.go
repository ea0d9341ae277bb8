package natsbus

import (
	"bytes"
	"encoding/json"

	"github.com/schemagate/schemagate/internal/event"
)

// subscriberFrame turns a stored message's body into a subscriber's frame,
// {"event":{"id","type","version","data"}}: the record without its
// received time. It also says the event's type, for routing.
func subscriberFrame(body []byte) (frame []byte, typ string, err error) {
	var r event.Record
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, "", err
	}
	r.Received = ""
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Event event.Record `json:"event"`
	}{r}); err != nil {
		return nil, "", err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), r.Type, nil
}
