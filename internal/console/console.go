// Package console is the embedded web console at /ui/: one page (its
// script and style embedded and hashed into a strict Content-Security-
// Policy, nothing fetched from anywhere else) and the data endpoints it
// reads. Its data come from a tap on the pipeline (Frame): outcome
// counters, a bounded ring of recent rejects grouped by (type, version,
// keyword, instance path), and a live tail that is sampled and never
// blocks a frame. It sends a frame for real only when allowed to.
package console

import (
	"context"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// Catalog is the schemas the console shows and tries frames against: a
// *validate.Registry, or the server's registry in force, which a reload
// replaces.
type Catalog interface {
	Schemas() []*validate.Schema
	Lookup(k event.Key) (*validate.Schema, bool)
}

// Sender is the pipeline a tried frame is sent through: a
// *pipeline.Pipeline, or a *pipeline.Current that a reload swaps.
type Sender interface {
	Bare(ctx context.Context, key event.Key, frame []byte, received time.Time, dst []byte, raw bool) pipeline.Outcome
}

// Options are what the console reads and may do. Only Registry is
// required; a nil hook shows "n/a" in its place.
type Options struct {
	Config   config.Console
	Registry Catalog
	// MaxDepth bounds nesting in a tried frame (config.DefaultMaxDepth when 0).
	MaxDepth int
	// Send is the pipeline a tried frame goes through for real; nil unless
	// console.allow_send.
	Send Sender
	// Ready is the readiness check (nil: always ready).
	Ready func() error
	// Connections counts the open connections by transport.
	Connections func() map[string]int
	// Compat judges the registry's versions for the schemas view; it is
	// called once, on first use, and its result is JSON.
	Compat func() any
	// Reload describes the last schema reload, when the server has one.
	Reload func() any
	// AuthEnabled says the data endpoints need a token (for the page).
	AuthEnabled bool
	// Now is the clock (time.Now when nil), for tests of the ring.
	Now func() time.Time
}

// Console is the tap and the handlers. Build it with New; it is safe
// for concurrent use.
type Console struct {
	o       Options
	frames  [numOutcomes]atomic.Uint64
	rejects *rejects
	tail    *tail
	page    page
	compat  lazyJSON
	closing chan struct{}
	closed  atomic.Bool
	streams atomic.Int32 // open streams, at most Config.MaxStreams
}

// The outcomes the overview counts.
const (
	outcomeAccepted = iota
	outcomeRejected
	outcomeFailed
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"accepted", "rejected", "failed"}

// New builds the console.
func New(o Options) (*Console, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = config.DefaultMaxDepth
	}
	pg, err := newPage()
	if err != nil {
		return nil, err
	}
	c := &Console{o: o, page: pg, closing: make(chan struct{}),
		rejects: newRejects(o.Config),
		tail:    newTail(o.Config.TailRate),
	}
	c.compat.build = o.Compat
	return c, nil
}

// Frame is the tap: it counts the frame's outcome, files a rejection in
// its groups, and offers the frame to the live tail when someone watches.
// It never blocks: the tail's subscribers that are full lose the frame.
func (c *Console) Frame(key event.Key, known bool, frame []byte, err *status.Error) {
	o := outcomeOf(err)
	c.frames[o].Add(1)
	if o == outcomeRejected {
		c.rejects.record(c.o.Now(), key, known, frame, err)
	}
	if c.tail.watched() && c.tail.take() {
		c.tail.offer(c.o.Now(), key, known, frame, err, o, c.o.Config.ShowData)
	}
}

// frameCount is every frame the tap has seen.
func (c *Console) frameCount() uint64 {
	var n uint64
	for i := range c.frames {
		n += c.frames[i].Load()
	}
	return n
}

// Close ends the open streams, so that a drain need not wait for them.
func (c *Console) Close() {
	if c.closed.CompareAndSwap(false, true) {
		close(c.closing)
	}
}

// outcomeOf classes a verdict as the pipeline does: the frame's own fault
// (what the dead letter records) is a rejection; anything else that was
// not accepted is a failure of ours or a sink's.
func outcomeOf(err *status.Error) int {
	switch {
	case err == nil:
		return outcomeAccepted
	case err.Code == codes.InvalidArgument || err.Code == codes.NotFound:
		return outcomeRejected
	}
	return outcomeFailed
}
