package pipeline_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

// receivedSeen is an action that keeps the Received of the last event.
type receivedSeen struct{ at time.Time }

func (r *receivedSeen) Do(_ context.Context, ev event.Event) error { r.at = ev.Received; return nil }
func (r *receivedSeen) Close(context.Context) error                { return nil }

// The handler and every action see the time the front door read the
// frame, whatever the handler spent before them.
func TestReceivedIsTheFrontDoorsReadTime(t *testing.T) {
	reg := shippedRegistry(t)
	read := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	var handled time.Time
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1}, func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) {
		handled = ev.Received
		return nil, nil
	})
	sink := &receivedSeen{}
	b.DefaultActions(pipeline.NamedAction{Name: "sink", Action: sink})
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := p.Envelope(context.Background(), []byte(`{"id":"r","type":"echo","version":1,"data":1}`), read, nil)
	if string(out.Reply) != `{"id":"r","ok":true}` || !handled.Equal(read) || !sink.at.Equal(read) {
		t.Fatalf("reply %s; handler saw %v, action saw %v, want %v", out.Reply, handled, sink.at, read)
	}
	handled, sink.at = time.Time{}, time.Time{}
	p.Bare(context.Background(), event.Key{Type: "echo", Version: 1}, []byte(`2`), read, nil, false)
	if !handled.Equal(read) || !sink.at.Equal(read) {
		t.Fatalf("bare: handler saw %v, action saw %v, want %v", handled, sink.at, read)
	}
	handled, sink.at = time.Time{}, time.Time{}
	v := p.Parts(context.Background(), "g", "echo", 1, []byte(`3`), read)
	if v.Err != nil || !handled.Equal(read) || !sink.at.Equal(read) {
		t.Fatalf("parts: %v; handler saw %v, action saw %v, want %v", v.Err, handled, sink.at, read)
	}
}

// elapsedSeen is an Observer that keeps the elapsed time it was told.
type elapsedSeen struct{ elapsed []time.Duration }

func (e *elapsedSeen) Observe(_ event.Key, _ bool, _ codes.Code, d time.Duration) {
	e.elapsed = append(e.elapsed, d)
}

// The time observed counts from the frame's receipt, with whatever clock
// reading the receipt carries (the monotonic one when it has one); a frame
// with no receipt counts from the pipeline's own reading.
func TestObservedTimeCountsFromReceipt(t *testing.T) {
	frame := []byte(`{"id":"r","type":"echo","version":1,"data":1}`)
	for _, tt := range []struct {
		name     string
		received time.Time
		least    time.Duration
	}{
		{"monotonic", time.Now().Add(-time.Hour), time.Hour},
		{"wall only", time.Now().Add(-time.Hour).Round(0), time.Hour},
		{"long ago", time.Date(2001, 1, 2, 3, 4, 5, 6, time.UTC), 20 * 365 * 24 * time.Hour},
		{"none", time.Time{}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			obs := &elapsedSeen{}
			p := bareShippedPipeline(t, pipeline.Options{Observer: obs})
			p.Envelope(context.Background(), frame, tt.received, nil)
			p.Bare(context.Background(), event.Key{Type: "echo", Version: 1}, []byte(`2`), tt.received, nil, false)
			p.Parts(context.Background(), "g", "echo", 1, []byte(`3`), tt.received)
			for i, d := range obs.elapsed {
				if d < tt.least || (tt.least == 0 && d > time.Minute) {
					t.Fatalf("frame %d: observed %v, want the time since receipt (at least %v)", i, d, tt.least)
				}
			}
		})
	}
}

// bareShippedPipeline is a pipeline over the shipped schemas with no
// handlers or actions of its own, for tests of what Options plug in.
func bareShippedPipeline(t testing.TB, o pipeline.Options) *pipeline.Pipeline {
	t.Helper()
	p, err := pipeline.NewBuilder(shippedRegistry(t)).Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// shippedRegistry is the repository's own schema tree, as serve loads it
// by default.
func shippedRegistry(t testing.TB) *validate.Registry {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "../../schemas"})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
