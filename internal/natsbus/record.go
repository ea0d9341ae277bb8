package natsbus

import (
	"bytes"
	"encoding/json"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/status"
)

// record is a message's body: the same object the file action writes as a
// line and the webhook posts, so that consumers parse one shape whichever
// sink they read.
type record struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Version  int             `json:"version"`
	Received string          `json:"received"`
	Data     json.RawMessage `json:"data"`
}

// encodeRecord returns ev as JSON, data kept as received.
func encodeRecord(ev action.Event) ([]byte, error) {
	data := json.RawMessage(ev.Data)
	if len(data) == 0 {
		data = nil // marshals as null; an empty RawMessage is not JSON
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays "<", as the client sent it
	err := enc.Encode(record{ID: ev.ID, Type: ev.Type, Version: ev.Version,
		Received: ev.Received.UTC().Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return nil, status.Wrap(codes.Internal, err, "event data is not JSON")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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
	var r record
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
