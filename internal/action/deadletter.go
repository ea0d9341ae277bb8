package action

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// DeadLetter records rejected frames, and why they were rejected, for
// integrators to study. Each is one NDJSON line:
//
//	{"time":"<RFC 3339, UTC, ns>","frame":"…","frame_base64":"…","error":{"code":3,"status":"INVALID_ARGUMENT","message":"…","details":[…]}}
//
// "frame" is the frame as a JSON string, since a rejected frame need not be
// JSON at all. A bare route's frame, which is the data alone, is recorded
// as the envelope it stands for, with id "bare" and the route's type and
// version, unless it is not JSON. A frame that is not valid UTF-8 cannot be a JSON string
// as is: "frame" then shows each invalid byte as U+FFFD and "frame_base64"
// (standard encoding, present only then) holds the exact bytes. "error" is
// the reply's error object as clients see it (never its internal cause);
// "details" and "omitted" appear when there are any. A frame a shadow
// route acknowledged although it is invalid has "shadow":true, and its
// "error" is the report the client was spared.
//
// Writing follows the FileConfig's sync policy, with the file sink's
// guarantees: whole lines only, UNAVAILABLE on a full disk.
type DeadLetter struct {
	f *capped
}

// deadRecord is one line of the dead letter file.
type deadRecord struct {
	Time        string `json:"time"`
	Frame       string `json:"frame"`
	FrameBase64 []byte `json:"frame_base64,omitempty"`
	// Error marshals as the reply's error object (never its cause), so a
	// dead letter line reads like the reply the client got.
	Error *status.Error `json:"error,omitempty"`
	// Shadow marks a frame a shadow route accepted although it is invalid:
	// the client got an ack, not Error.
	Shadow bool `json:"shadow,omitempty"`
}

// NewDeadLetter opens (or creates) cfg.Path as a dead letter file, capped
// by cfg.MaxBytes.
func NewDeadLetter(cfg DeadLetterConfig) (*DeadLetter, error) {
	f, err := openCapped(cfg)
	if err != nil {
		return nil, err
	}
	return &DeadLetter{f: f}, nil
}

// Record appends frame and the error it was rejected with (nil if none is
// known). It is safe for concurrent use and waits for the write as the
// sync policy demands, and for room in a full queue, as long as ctx lets
// it.
func (d *DeadLetter) Record(ctx context.Context, frame []byte, err *status.Error) error {
	return d.record(ctx, frame, err, false)
}

// RecordShadow appends an invalid frame that a shadow route accepted, as
// Record does, with "shadow":true: its error is what the frame broke, not
// what the client got.
func (d *DeadLetter) RecordShadow(ctx context.Context, frame []byte, err *status.Error) error {
	return d.record(ctx, frame, err, true)
}

func (d *DeadLetter) record(ctx context.Context, frame []byte, err *status.Error, shadow bool) error {
	line, eerr := encodeDead(time.Now(), frame, err, shadow)
	if eerr != nil {
		return eerr
	}
	return d.f.append(ctx, line)
}

// encodeDead returns one dead letter line ending in "\n".
func encodeDead(now time.Time, frame []byte, err *status.Error, shadow bool) ([]byte, error) {
	rec := deadRecord{Time: now.UTC().Format(time.RFC3339Nano), Frame: string(frame), Error: err, Shadow: shadow}
	if !utf8.Valid(frame) {
		rec.FrameBase64 = frame
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the frame readable as the client sent it
	if eerr := enc.Encode(rec); eerr != nil {
		return nil, status.Wrap(codes.Internal, eerr, "cannot encode a dead letter")
	}
	return buf.Bytes(), nil
}

// Close flushes, fsyncs and closes the file, as File.Close does.
func (d *DeadLetter) Close(ctx context.Context) error {
	return d.f.close(ctx)
}

// undeliveredRecord is the dead letter line of a webhook event whose
// schedule ran out: the event as the receiver would have got it, and every
// attempt.
type undeliveredRecord struct {
	Time     string          `json:"time"`
	Webhook  string          `json:"webhook"`
	Event    json.RawMessage `json:"event"`
	Attempts []Attempt       `json:"attempts"`
}

// RecordUndelivered appends a line for an event the webhook endpoint
// never took:
//
//	{"time":"…","webhook":"<action>","event":{<the body>},"attempts":[{"at":"…","code":503,"error":"…"},…]}
func (d *DeadLetter) RecordUndelivered(ctx context.Context, endpoint string, body []byte, attempts []Attempt) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(undeliveredRecord{Time: time.Now().UTC().Format(time.RFC3339Nano), Webhook: endpoint,
		Event: json.RawMessage(body), Attempts: attempts})
	if err != nil {
		return status.Wrap(codes.Internal, err, "cannot encode a dead letter")
	}
	return d.f.append(ctx, buf.Bytes())
}
