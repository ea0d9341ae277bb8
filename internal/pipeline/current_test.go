package pipeline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/validate"
)

func loadTestRegistry(t *testing.T) *validate.Registry {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "../../schemas"})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// blocking is an action that holds each event until released, so a test
// can keep a frame inside a pipeline while it is swapped out.
type blocking struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blocking) Do(ctx context.Context, ev event.Event) error {
	b.entered <- struct{}{}
	<-b.release
	return nil
}

func (b *blocking) Close(context.Context) error { return nil }

// Swap waits for the frame still inside the pipeline it replaces, and
// frames that start after it go to the new one.
func TestCurrentSwapWaitsForFramesInFlight(t *testing.T) {
	reg := loadTestRegistry(t)
	old := &blocking{entered: make(chan struct{}, 1), release: make(chan struct{})}
	build := func(a *blocking) *Pipeline {
		b := NewBuilder(reg)
		if a != nil {
			b.DefaultActions(NamedAction{Name: "a", Action: a})
		}
		p, err := b.Build(Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	oldPipe := build(old)
	c := NewCurrent(oldPipe)
	frame := []byte(`{"id":"1","type":"echo","version":1,"data":1}`)
	first := make(chan Outcome, 1)
	go func() { first <- c.Envelope(context.Background(), frame, time.Now(), nil) }()
	<-old.entered

	swapped := make(chan error, 1)
	go func() { _, err := c.Swap(context.Background(), build(nil)); swapped <- err }()
	for c.Load() == oldPipe {
		time.Sleep(time.Millisecond)
	}
	// A frame that starts now is judged by the new pipeline, which has no
	// blocking action, so it is answered while the first is still held.
	if out := c.Envelope(context.Background(), frame, time.Now(), nil); out.Code != codes.OK {
		t.Fatalf("frame after the swap: %s", out.Reply)
	}
	select {
	case err := <-swapped:
		t.Fatalf("Swap returned (%v) while a frame was still in the old pipeline", err)
	default:
	}
	close(old.release)
	if out := <-first; out.Code != codes.OK {
		t.Fatalf("frame held across the swap: %s", out.Reply)
	}
	if err := <-swapped; err != nil {
		t.Fatal(err)
	}
}

// Many frames and many swaps at once: every frame is answered, and Swap's
// promise holds: once it returns, no frame is inside the old pipeline.
func TestCurrentSwapUnderLoad(t *testing.T) {
	reg := loadTestRegistry(t)
	var retired atomic.Pointer[atomic.Int64]
	counter := &atomic.Int64{}
	build := func(n *atomic.Int64) *Pipeline {
		b := NewBuilder(reg)
		b.DefaultActions(NamedAction{Name: "count", Action: countingAction{n, &retired}})
		p, err := b.Build(Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := NewCurrent(build(counter))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var answered atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frame := []byte(`{"id":"1","type":"echo","version":1,"data":1}`)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if out := c.Envelope(context.Background(), frame, time.Now(), nil); out.Code == codes.OK {
					answered.Add(1)
				}
			}
		}()
	}
	// Swaps go on until many frames have raced them, however the
	// scheduler shares the machine.
	for i := 0; i < 100 || answered.Load() < 500; i++ {
		next := &atomic.Int64{}
		prevCounter := counter
		if _, err := c.Swap(context.Background(), build(next)); err != nil {
			t.Fatal(err)
		}
		if n := prevCounter.Load(); n != 0 {
			t.Fatalf("%d frames inside the old pipeline after Swap returned", n)
		}
		retired.Store(prevCounter) // from here on a frame entering it is a bug
		counter = next
	}
	close(stop)
	wg.Wait()
}

// countingAction counts the frames inside it, and fails the frame if it
// enters a pipeline Swap has already retired.
type countingAction struct {
	inside  *atomic.Int64
	retired *atomic.Pointer[atomic.Int64]
}

func (a countingAction) Do(context.Context, event.Event) error {
	a.inside.Add(1)
	defer a.inside.Add(-1)
	if a.retired.Load() == a.inside {
		panic("a frame entered a retired pipeline")
	}
	return nil
}

func (a countingAction) Close(context.Context) error { return nil }

// codeObserver records the codes of the frames it is told about.
type codeObserver struct {
	mu    sync.Mutex
	codes []codes.Code
}

func (o *codeObserver) Observe(_ event.Key, _ bool, c codes.Code, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes = append(o.codes, c)
}

func (o *codeObserver) seen() []codes.Code {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]codes.Code(nil), o.codes...)
}

// Each door's view tells its own observer, before and after a swap, and a
// swap reaches every view: a frame for a key only the new pipeline has is
// accepted through both.
func TestCurrentViewsFollowSwaps(t *testing.T) {
	reg := loadTestRegistry(t)
	build := func(route bool) *Pipeline {
		b := NewBuilder(reg)
		if !route { // the old pipeline refuses echo by a failing action
			b.Route(Route{Key: event.Key{Type: "echo", Version: 1}, Actions: []NamedAction{{Name: "no", Action: failing{}}}})
		}
		p, err := b.Build(Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := NewCurrent(build(false))
	obsA, obsB := &codeObserver{}, &codeObserver{}
	a, b := c.WithObserver(obsA), c.WithObserver(obsB)
	frame := []byte(`{"id":"1","type":"echo","version":1,"data":1}`)
	if out := a.Envelope(context.Background(), frame, time.Now(), nil); out.Code == codes.OK {
		t.Fatalf("old pipeline accepted: %s", out.Reply)
	}
	if _, err := c.Swap(context.Background(), build(true)); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*Current{a, b} {
		if out := v.Envelope(context.Background(), frame, time.Now(), nil); out.Code != codes.OK {
			t.Fatalf("after the swap: %s", out.Reply)
		}
	}
	if got := obsA.seen(); len(got) != 2 || got[0] == codes.OK || got[1] != codes.OK {
		t.Errorf("view a observed %v", got)
	}
	if got := obsB.seen(); len(got) != 1 || got[0] != codes.OK {
		t.Errorf("view b observed %v", got)
	}
}

// failing is an action that refuses every event.
type failing struct{}

func (failing) Do(context.Context, event.Event) error { return errors.New("refused") }

func (failing) Close(context.Context) error { return nil }
