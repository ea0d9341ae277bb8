package heapfloor

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

const mib = 1 << 20

func TestPercent(t *testing.T) {
	cases := []struct {
		name          string
		heap          Sample
		floor         uint64
		base, current int
		want          int
	}{
		{"a small heap grows to the floor", Sample{Live: 2 * mib, Goal: 4 * mib}, 32 * mib, 100, 100, 1500},
		{"past the floor (the minimum heap scales with GOGC): back down", Sample{Live: 2 * mib, Goal: 62 * mib}, 32 * mib, 100, 1500, 750},
		{"on the floor: stays", Sample{Live: 2 * mib, Goal: 32 * mib}, 32 * mib, 100, 750, 750},
		{"a heap whose own growth passes the floor keeps base", Sample{Live: 20 * mib, Goal: 40 * mib}, 32 * mib, 100, 100, 100},
		{"a heap past the floor keeps base", Sample{Live: 40 * mib, Goal: 80 * mib}, 32 * mib, 100, 100, 100},
		{"a higher base stays", Sample{Live: 10 * mib, Goal: 50 * mib}, 32 * mib, 400, 400, 400},
		{"collection off stays off", Sample{Live: 1 * mib}, 32 * mib, -1, -1, -1},
		{"no collection yet: base", Sample{Goal: 4 * mib}, 32 * mib, 100, 100, 100},
	}
	for _, c := range cases {
		if got := Percent(c.heap, c.floor, c.base, c.current); got != c.want {
			t.Errorf("%s: Percent(%+v, %d, %d, %d) = %d, want %d", c.name, c.heap, c.floor, c.base, c.current, got, c.want)
		}
	}
}

func TestWorthChanging(t *testing.T) {
	cases := []struct {
		current, next, base int
		want                bool
	}{
		{100, 100, 100, false},
		{1500, 1600, 100, false}, // under a tenth
		{1500, 1700, 100, true},
		{1500, 1300, 100, true},
		{110, 100, 100, true}, // back to base, however close
	}
	for _, c := range cases {
		if got := worthChanging(c.current, c.next, c.base); got != c.want {
			t.Errorf("worthChanging(%d, %d, %d) = %v, want %v", c.current, c.next, c.base, got, c.want)
		}
	}
}

func TestFloored(t *testing.T) {
	busy := Sample{Allocs: 100 * mib, Cycles: 10, Live: 4 * mib}
	after := func(allocs, cycles, live uint64) Sample {
		return Sample{Allocs: busy.Allocs + allocs, Cycles: busy.Cycles + cycles, Live: live}
	}
	cases := []struct {
		name    string
		cur     Sample
		floored bool
		want    bool
	}{
		{"a load of frames: allocating, collected, live steady", after(50*mib, 5, 4*mib+100<<10), false, true},
		{"and it stays", after(50*mib, 1, 4*mib), true, true},
		{"quiet: off", after(512<<10, 1, 4*mib), true, false},
		{"quiet, no collection: off", after(0, 0, 4*mib), true, false},
		{"frames in flight move a small live heap by less than floor/16", after(50*mib, 1, 5*mib+512<<10), true, true},
		{"connections opening: live grew across a collection", after(50*mib, 3, 7*mib), false, false},
		{"connections opening under the floor: it goes", after(50*mib, 1, 7*mib), true, false},
		{"connections closing: live shrank across a collection", after(50*mib, 1, 1*mib), true, false},
		{"no collection since: floored stays floored", after(20*mib, 0, 4*mib), true, true},
		{"no collection since: not floored stays so", after(20*mib, 0, 4*mib), false, false},
	}
	for _, c := range cases {
		if got := Floored(busy, c.cur, c.floored, 32*mib); got != c.want {
			t.Errorf("%s: Floored = %v, want %v", c.name, got, c.want)
		}
	}
}

// Under a steady load, with a 64 MiB floor, 256 MiB of garbage beside
// 8 MiB kept alive takes a handful of collections, where GOGC=100 would
// take about 32; once Run stops, GOGC is what it was.
func TestRunCollectsLessOften(t *testing.T) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/cycles/total:gc-cycles"}}
	read := func() (int, uint64) { metrics.Read(s); return int(s[0].Value.Uint64()), s[1].Value.Uint64() }
	base, _ := read()
	live := make([]byte, 8*mib)
	runtime.GC() // the live heap Run looks at
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); Run(ctx, 64*mib) }()
	var keep []byte
	waitFor(t, "GOGC raised under a steady load", func() bool {
		for range 16 {
			keep = make([]byte, 64<<10)
		}
		p, _ := read()
		return p > base
	})
	_, before := read()
	for range 256 {
		keep = make([]byte, mib)
		keep[0] = 1
	}
	_, after := read()
	cancel()
	<-done
	if n := after - before; n > 16 {
		t.Errorf("%d collections for 256 MiB of garbage under a 64 MiB floor, want a handful", n)
	}
	if p, _ := read(); p != base {
		t.Errorf("GOGC after Run: %d, want %d", p, base)
	}
	runtime.KeepAlive(live)
	_ = keep
}

func TestRunOffReturns(t *testing.T) {
	done := make(chan struct{})
	go func() { defer close(done); Run(context.Background(), 0) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run with no floor did not return")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestConfigured(t *testing.T) {
	for v, want := range map[string]int{"": 100, "off": -1, "200": 200, "50": 50, "junk": 100} {
		if got := Configured(v); got != want {
			t.Errorf("Configured(%q) = %d, want %d", v, got, want)
		}
	}
}

// runUnderLoad starts a tuner and a load, and returns a stop that ends
// both and the tuner's end.
func runUnderLoad(t *testing.T) (stop func(), ended <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, loaded := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); Run(ctx, 64*mib) }()
	go func() { defer close(loaded); testkit.SteadyHeap(ctx.Done()) }()
	return func() { cancel(); <-done; <-loaded }, done
}

// A GOGC someone else set is theirs: Run does not start under it, and
// stops, leaving it be, once it is set under Run.
func TestRunLeavesSomeoneElsesGOGC(t *testing.T) {
	base := testkit.GOGC()
	t.Cleanup(func() { debug.SetGCPercent(base) })
	debug.SetGCPercent(base + 150)
	stop, ended := runUnderLoad(t)
	waitFor(t, "Run to return under a GOGC it did not find configured", closed(ended))
	stop()
	if got := testkit.GOGC(); got != base+150 {
		t.Fatalf("GOGC %d after Run, want the host's %d", got, base+150)
	}

	debug.SetGCPercent(base)
	stop, ended = runUnderLoad(t)
	waitFor(t, "GOGC raised", func() bool { return testkit.GOGC() > base })
	debug.SetGCPercent(base + 250)
	waitFor(t, "Run to step aside", closed(ended))
	stop()
	if got := testkit.GOGC(); got != base+250 {
		t.Fatalf("GOGC %d after Run stepped aside, want the host's %d", got, base+250)
	}
}

// Two tuners in one process: one keeps tuning, the GOGC stays near what
// one would set (not pushed up by the other's), and once both stop GOGC
// is the configured one.
func TestTwoTunersDoNotFight(t *testing.T) {
	base := testkit.GOGC()
	stopA, _ := runUnderLoad(t)
	stopB, _ := runUnderLoad(t)
	waitFor(t, "GOGC raised", func() bool { return testkit.GOGC() > base })
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	for range 20 {
		time.Sleep(Period / 2)
		metrics.Read(s)
		if goal := s[0].Value.Uint64(); goal > 3*64*mib {
			t.Errorf("heap goal %d MiB under a 64 MiB floor", goal/mib)
		}
	}
	stopA()
	stopB()
	if got := testkit.GOGC(); got != base {
		t.Fatalf("GOGC %d after both stopped, want %d", got, base)
	}
}

// closed says whether c is closed, for waitFor.
func closed(c <-chan struct{}) func() bool {
	return func() bool {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
}
