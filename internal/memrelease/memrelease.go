// Package memrelease gives the memory the Go heap holds beyond what is
// live back to the operating system once the process has gone quiet.
//
// The runtime's pacing keeps the heap up to twice its live size between
// collections (GOGC=100, stacks counted), and its scavenger keeps about
// 10% over that goal resident. A gateway that took a burst (a reconnect
// storm, a wave of frames) and then holds its connections idle keeps that
// memory resident for as long as it stays idle: its RSS is about twice
// what its connections need. Here, once allocation has stayed under a
// small rate for a quiet period, one forced collection frees the garbage
// and returns every free page (debug.FreeOSMemory). It never runs while
// the process allocates at any real rate, and it runs again only after
// half the live heap (at least 4 MiB) has been allocated since: a quiet
// process pays at most one collection per that much allocation, and a
// busy one none.
package memrelease

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Tuning of what counts as quiet and as worth a release; see Watcher.
const (
	// quietFloor is the allocation a quiet period may see whatever the
	// live heap: pings, a metrics scrape.
	quietFloor = 1 << 20
	// quietShare: a quiet period may also allocate 1/quietShare of the
	// live heap, so that pings across many connections stay quiet.
	quietShare = 64
	// churnFloor and churnShare: a release waits for this much allocation
	// since the last one (the larger of the two), bounding how often a
	// quiet process collects.
	churnFloor = 4 << 20
	churnShare = 2
	// checks is how many times per quiet period allocation is sampled.
	checks = 4
)

// Sample is what a Watcher is shown: when, the bytes allocated since the
// process started, and the live heap as of the last collection.
type Sample struct {
	At     time.Time
	Allocs uint64
	Live   uint64
}

// Watcher decides when to release, from samples taken every Period; it is
// the whole policy and does no I/O. The zero value is not usable: use
// NewWatcher.
type Watcher struct {
	after       time.Duration
	last        Sample
	quietSince  time.Time
	releasedAt  uint64 // Allocs after the last release
	initialised bool
}

// NewWatcher returns a watcher that releases after quiet periods of after.
func NewWatcher(after time.Duration) *Watcher { return &Watcher{after: after} }

// Period is how often samples should be taken.
func (w *Watcher) Period() time.Duration { return w.after / checks }

// Observe takes a sample and says whether to release now. A sample whose
// allocation since the previous one exceeds the quiet budget's share of
// the time between them restarts the quiet period.
func (w *Watcher) Observe(s Sample) bool {
	if !w.initialised {
		w.last, w.quietSince, w.initialised = s, s.At, true
		return false
	}
	budget := max(quietFloor, s.Live/quietShare)
	elapsed := s.At.Sub(w.last.At)
	allowed := float64(budget) * float64(elapsed) / float64(w.after)
	if float64(s.Allocs-w.last.Allocs) > allowed {
		w.quietSince = s.At
	}
	w.last = s
	churn := max(churnFloor, s.Live/churnShare)
	return s.At.Sub(w.quietSince) >= w.after && s.Allocs-w.releasedAt >= churn
}

// Released records the sample taken just after a release, so that the
// release's own allocation is not counted as churn or as activity.
func (w *Watcher) Released(s Sample) {
	w.releasedAt, w.last = s.Allocs, s
}

// Run releases memory after every quiet period of after until ctx ends;
// after <= 0 returns at once. released, when not nil, is called after
// each release.
func Run(ctx context.Context, after time.Duration, released func()) {
	if after <= 0 {
		return
	}
	w := NewWatcher(after)
	probe := newProbe()
	t := time.NewTicker(w.Period())
	defer t.Stop()
	for {
		if w.Observe(probe.read()) {
			debug.FreeOSMemory()
			w.Released(probe.read())
			if released != nil {
				released()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// probe reads the two runtime metrics a Sample needs; runtime/metrics
// reads them without stopping the world, unlike ReadMemStats.
type probe struct{ s []metrics.Sample }

func newProbe() probe {
	return probe{s: []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/live:bytes"}}}
}

func (p probe) read() Sample {
	metrics.Read(p.s)
	return Sample{At: time.Now(), Allocs: p.s[0].Value.Uint64(), Live: p.s[1].Value.Uint64()}
}
