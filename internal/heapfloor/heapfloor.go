// Package heapfloor lets a busy Go heap grow to a floor before the
// collector runs, instead of collecting every few megabytes.
//
// The runtime starts a collection when the heap has grown by GOGC percent
// of what was live (and of the stacks and globals) after the previous one,
// and a gateway under load keeps little alive: a few megabytes, while it
// allocates every frame's bytes afresh. At GOGC=100 that is a collection
// every 2-5 MB, some 25 a second on small frames and 45 on 1.5 KB ones,
// each with its two stop-the-world pauses and its mark work: 3-7% of the
// process's CPU by the runtime's own count (GODEBUG=gctrace=1). Here GOGC
// is raised while the process allocates on a steady live heap, so that the
// next collection starts once the heap reaches the floor, and is put back
// once the live heap's own growth passes the floor, or the process goes
// quiet, or its live heap grows (see Floored): the memory a busy process
// holds is at most the floor or what it held before, whichever is more,
// and a quiet one gives it back (internal/memrelease).
//
// GOGC is the process's setting, and whoever else sets it owns it: a
// tuner starts only while GOGC is what the environment configured, and
// stops for good, leaving it be, once GOGC is not what it last set itself
// (a host embedding the gateway that tunes its own collector, or a
// second gateway's tuner in the same process: of two started together,
// the last to set a value keeps tuning). The one that stops on its own
// puts back the configured value.
package heapfloor

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"time"
)

// Period is how often the live heap is looked at. The live heap of a
// steady process changes slowly; a look costs a metrics read, and a change
// of GOGC a stop of the world, so changes smaller than a tenth are let go.
const Period = 250 * time.Millisecond

// Sample is one look at the runtime: the bytes allocated and the
// collections since the process started, the heap live after the last
// collection, the heap size at which the runtime will start the next, and
// the GOGC in force.
type Sample struct {
	Allocs, Cycles, Live, Goal uint64
	GOGC                       int
}

// Percent is the GOGC under which the next collection starts once the heap
// reaches floor bytes, given the current GOGC and the goal the runtime
// derived from it, and never below base (the configured GOGC). The goal
// moves with GOGC in proportion past the live heap, whether the runtime
// took it from the live heap, stacks and globals or from its minimum heap
// (4 MB scaled by GOGC), so aiming by the runtime's own goal lands on the
// floor without copying its formula. A base below zero (collection off),
// a floor at or below the live heap, or no collection yet (Live 0) leave
// base as it is.
func Percent(h Sample, floor uint64, base, current int) int {
	if base < 0 || current <= 0 || h.Live == 0 || floor <= h.Live || h.Goal <= h.Live {
		return base
	}
	return max(base, int(uint64(current)*(floor-h.Live)/(h.Goal-h.Live)))
}

// worthChanging says a new GOGC differs from the current one by more than
// a tenth, or returns to base exactly: small moves are not worth a stop of
// the world.
func worthChanging(current, next, base int) bool {
	if current == next {
		return false
	}
	if next == base {
		return true
	}
	diff := next - current
	return diff*10 > current || -diff*10 > current
}

// quietAllocs is the allocation between two looks under which a process
// counts as quiet: a floor then buys nothing, and a quiet process should
// hold as little as it can (internal/memrelease gives back the rest).
const quietAllocs = 1 << 20

// Floored decides, from the previous look and this one, whether the floor
// applies now, given whether it did. It applies while the process
// allocates and its live heap holds steady, as under a load of frames. A
// live heap that grew across a collection by more than a tenth, and by
// more than a sixteenth of the floor (a small heap's live set moves by
// the frames in flight), is taking on long-lived objects, connections
// being opened above all: collected late, they would lie scattered over
// the floor's pages among the garbage, pages no release can give back
// afterwards (10,000 connections opened under a 32 MiB floor kept 7 MB
// more resident once idle and released), so then the floor goes. Without
// a collection between two looks the live figure is old news: it can
// neither start the floor nor end it.
func Floored(prev, cur Sample, floored bool, floor uint64) bool {
	if cur.Allocs-prev.Allocs < quietAllocs {
		return false
	}
	if cur.Cycles == prev.Cycles {
		return floored
	}
	slack := max(prev.Live/10, floor/16)
	return cur.Live <= prev.Live+slack && cur.Live+slack >= prev.Live
}

// Run keeps GOGC at Percent for floor bytes while Floored says so, and at
// the configured GOGC otherwise, until ctx ends; then it puts back the
// configured GOGC. It returns at once when floor <= 0 or GOGC is not the
// configured one (see the package doc), and early, leaving GOGC be, when
// someone else sets it.
func Run(ctx context.Context, floor int64) {
	base := Configured(os.Getenv("GOGC"))
	p := newProbe()
	last := p.read()
	if floor <= 0 || base < 0 || last.GOGC != base {
		return
	}
	current := base
	floored := false
	t := time.NewTicker(Period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if p.read().GOGC == current {
				debug.SetGCPercent(base)
			}
			return
		case <-t.C:
		}
		cur := p.read()
		if cur.GOGC != current {
			return // someone else's now
		}
		floored = Floored(last, cur, floored, uint64(floor))
		next := base
		if floored {
			next = Percent(cur, uint64(floor), base, current)
		}
		last = cur
		if worthChanging(current, next, base) {
			debug.SetGCPercent(next)
			current = next
		}
	}
}

// Configured is the GOGC the environment variable's value v configures,
// as the runtime reads it: "off" is -1, an integer is itself, anything
// else (unset included) is 100.
func Configured(v string) int {
	if v == "off" {
		return -1
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n
	}
	return 100
}

// probe reads the runtime metrics Run needs; runtime/metrics reads them
// without stopping the world, unlike ReadMemStats or a SetGCPercent call
// made only to learn the current value.
type probe struct{ s []metrics.Sample }

func newProbe() probe {
	return probe{s: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"}, {Name: "/gc/gogc:percent"},
		{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/cycles/total:gc-cycles"},
	}}
}

// read takes a Sample.
func (p probe) read() Sample {
	metrics.Read(p.s)
	return Sample{Live: p.s[0].Value.Uint64(), Goal: p.s[1].Value.Uint64(), GOGC: int(p.s[2].Value.Uint64()),
		Allocs: p.s[3].Value.Uint64(), Cycles: p.s[4].Value.Uint64()}
}
