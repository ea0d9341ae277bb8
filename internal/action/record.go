package action

import (
	"bytes"
	"encoding/json"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// Record is the JSON object every sink delivers: the file sink's line, the
// webhook's body, the NATS message, so that integrators parse one shape
// whichever sink they read.
type Record struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Version  int             `json:"version"`
	Received string          `json:"received"`
	Data     json.RawMessage `json:"data"`
}

// EncodeRecord returns ev as a Record, one line of JSON ending in "\n".
//
// The data keeps its values, string escapes and number spellings as
// received; only insignificant whitespace goes, because a pretty-printed
// object would otherwise span several lines and break NDJSON. Data that is
// not JSON is refused rather than written as a line no reader can parse;
// the pipeline validated it, so that would be a server bug.
func EncodeRecord(ev Event) ([]byte, error) {
	data := json.RawMessage(ev.Data)
	if len(data) == 0 {
		data = nil // marshals as null; an empty RawMessage is not JSON
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays "<", as the client sent it
	err := enc.Encode(Record{
		ID:       ev.ID,
		Type:     ev.Type,
		Version:  ev.Version,
		Received: ev.Received.UTC().Format(time.RFC3339Nano),
		Data:     data,
	})
	if err != nil {
		return nil, status.Wrap(codes.Internal, err, "event data is not JSON")
	}
	return buf.Bytes(), nil
}
