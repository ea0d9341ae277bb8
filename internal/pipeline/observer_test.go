package pipeline_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
)

// keyedSeen is a KeyedObserver that writes down which way each outcome
// came: by a route's series ("key code") or by Observe ("observe key
// known code"), and which series were resolved.
type keyedSeen struct {
	mu       sync.Mutex
	seen     []string
	resolved int
}

func (k *keyedSeen) note(s string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seen = append(k.seen, s)
}

func (k *keyedSeen) Observe(key event.Key, known bool, c codes.Code, _ time.Duration) {
	k.note(fmt.Sprintf("observe %s/%d %v %s", key.Type, key.Version, known, c))
}

func (k *keyedSeen) For(key event.Key) func(codes.Code, time.Duration) {
	k.mu.Lock()
	k.resolved++
	k.mu.Unlock()
	return func(c codes.Code, _ time.Duration) { k.note(fmt.Sprintf("%s/%d %s", key.Type, key.Version, c)) }
}

// A KeyedObserver hears a routed frame through the series it resolved for
// the frame's route, when the pipeline is built or given it as a door's
// observer, and every other frame through Observe.
func TestKeyedObserverHearsRoutesByTheirSeries(t *testing.T) {
	built := &keyedSeen{}
	p := bareShippedPipeline(t, pipeline.Options{Observer: built})
	door := &keyedSeen{}
	for _, o := range []*keyedSeen{built, door} {
		v := p
		if o == door {
			v = p.WithObserver(door)
		}
		ctx := context.Background()
		v.Envelope(ctx, []byte(`{"id":"1","type":"echo","version":1,"data":1}`), time.Now(), nil)
		v.Envelope(ctx, []byte(`{"id":"2","type":"nosuch","version":1,"data":1}`), time.Now(), nil)
		v.Bare(ctx, event.Key{Type: "echo", Version: 1}, []byte(`2`), time.Now(), nil, false)
		v.Parts(ctx, "3", "echo", 1, []byte(`3`), time.Now())
		v.Parts(ctx, "4", "echo", 1, []byte(`{`), time.Now()) // malformed: no route reads it
		v.Refuse([]byte(`{"id":"5"}`), nil, nil)
		want := fmt.Sprint([]string{"echo/1 OK", "observe nosuch/1 false NotFound", "echo/1 OK",
			"echo/1 OK", "observe echo/1 false InvalidArgument", "observe /0 false OK"})
		if got := fmt.Sprint(o.seen); got != want || o.resolved == 0 {
			t.Errorf("heard %s (%d series resolved), want %s", got, o.resolved, want)
		}
	}
}
