package action

import (
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// EncodeRecord returns ev as its event.Record, one line of JSON ending in
// "\n": the file action's line and the webhook's body. Data that is not
// JSON is refused rather than written as a line no reader can parse; the
// pipeline validated it, so that would be a server bug.
func EncodeRecord(ev event.Event) ([]byte, error) { return appendRecord(nil, ev) }

// appendRecord appends EncodeRecord's line to dst.
func appendRecord(dst []byte, ev event.Event) ([]byte, error) {
	line, err := ev.Record().AppendEncode(dst)
	if err != nil {
		return nil, status.Wrap(codes.Internal, err, "event data is not JSON")
	}
	return line, nil
}

// RecordBody is ev's record as one JSON value, the file's line without its
// "\n": the webhook's body and the NATS message, so that every sink
// carries the same bytes.
func RecordBody(ev event.Event) ([]byte, error) {
	line, err := EncodeRecord(ev)
	if err != nil {
		return nil, err
	}
	return line[:len(line)-1], nil
}
