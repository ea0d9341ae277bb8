package pipeline

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// Current is the pipeline in force, replaced whole on a reload. Each call
// judges its frame wholly by the pipeline in force when the call starts,
// never by a mix of two. Swap returns once no call is still inside the
// pipeline it replaced, so the caller may then close what only that one
// used (a file action's group commit, a dead letter) without losing a
// frame. WithObserver gives each front door its own view, as
// Pipeline.WithObserver does, over the same swaps.
type Current struct {
	st   *currentState
	view int // index into the generation's pipelines
}

// currentState is what every view of a Current shares.
type currentState struct {
	cur atomic.Pointer[generation]
	mu  sync.Mutex // Swap and WithObserver
	obs []Observer // a view's observer by index; nil: the pipeline's own
}

// generation is a pipeline as each view sees it, and the calls inside it.
type generation struct {
	ps       []*Pipeline
	inflight atomic.Int64
}

// NewCurrent puts p in force.
func NewCurrent(p *Pipeline) *Current {
	st := &currentState{obs: []Observer{nil}}
	st.cur.Store(st.derive(p))
	return &Current{st: st}
}

func (st *currentState) derive(p *Pipeline) *generation {
	g := &generation{ps: make([]*Pipeline, len(st.obs))}
	for i, o := range st.obs {
		g.ps[i] = p
		if o != nil {
			g.ps[i] = p.WithObserver(o)
		}
	}
	return g
}

// WithObserver is a view of c whose outcomes are told to o: one per front
// door, made once while wiring, not per request.
func (c *Current) WithObserver(o Observer) *Current {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	st.obs = append(st.obs, o)
	// The pipeline in force, seen by the new view too. A new generation
	// (counting from zero) is fine while wiring: no call is inside yet.
	st.cur.Store(st.derive(st.cur.Load().ps[0]))
	return &Current{st: st, view: len(st.obs) - 1}
}

// Load is the pipeline in force.
func (c *Current) Load() *Pipeline { return c.st.cur.Load().ps[0] }

// enter counts the call in the generation in force. A call that loads a
// generation just as Swap replaces it backs out and takes the new one, so
// Swap never waits on a count that grows after it looked.
func (c *Current) enter() (*generation, *Pipeline) {
	for {
		g := c.st.cur.Load()
		g.inflight.Add(1)
		if c.st.cur.Load() == g {
			return g, g.ps[c.view]
		}
		g.inflight.Add(-1)
	}
}

// Swap puts next in force for every view and waits until every call that
// started on the previous pipeline has returned, or ctx ends (then it
// returns ctx's error; the previous pipeline must then be left open).
func (c *Current) Swap(ctx context.Context, next *Pipeline) (*Pipeline, error) {
	st := c.st
	st.mu.Lock()
	prev := st.cur.Swap(st.derive(next))
	st.mu.Unlock()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for prev.inflight.Load() != 0 {
		select {
		case <-ctx.Done():
			return prev.ps[0], ctx.Err()
		case <-tick.C:
		}
	}
	return prev.ps[0], nil
}

// Envelope is Pipeline.Envelope on the pipeline in force.
func (c *Current) Envelope(ctx context.Context, frame []byte, received time.Time, dst []byte) Outcome {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.Envelope(ctx, frame, received, dst)
}

// Bare is Pipeline.Bare on the pipeline in force.
func (c *Current) Bare(ctx context.Context, key event.Key, frame []byte, received time.Time, dst []byte, raw bool) Outcome {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.Bare(ctx, key, frame, received, dst, raw)
}

// Parts is Pipeline.Parts on the pipeline in force.
func (c *Current) Parts(ctx context.Context, id, typ string, version uint64, data []byte, received time.Time) Verdict {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.Parts(ctx, id, typ, version, data, received)
}

// Refuse is Pipeline.Refuse on the pipeline in force.
func (c *Current) Refuse(frame, dst []byte, err *status.Error) []byte {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.Refuse(frame, dst, err)
}

// RefuseBare is Pipeline.RefuseBare on the pipeline in force.
func (c *Current) RefuseBare(frame, dst []byte, err *status.Error) []byte {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.RefuseBare(frame, dst, err)
}

// RefuseParts is Pipeline.RefuseParts on the pipeline in force.
func (c *Current) RefuseParts(err *status.Error) *status.Error {
	g, p := c.enter()
	defer g.inflight.Add(-1)
	return p.RefuseParts(err)
}

// Candidates is Pipeline.Candidates of the pipeline in force: the
// comparisons since it was built (a reload starts them anew).
func (c *Current) Candidates() []CandidateReport { return c.Load().Candidates() }
