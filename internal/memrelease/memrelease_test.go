package memrelease

import (
	"context"
	"runtime/metrics"
	"testing"
	"time"
)

const mib = 1 << 20

// TestWatcherReleasesOncePerQuietPeriod feeds the policy samples one
// period apart (a quiet period is four) and checks each decision.
func TestWatcherReleasesOncePerQuietPeriod(t *testing.T) {
	after := 4 * time.Second
	start := time.Unix(1000, 0)
	type step struct {
		allocs  uint64 // total allocated at this sample, in MiB
		live    uint64 // MiB
		release bool
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"a burst, then quiet: one release, a full quiet period after the burst", []step{
			{0, 10, false}, {200, 10, false}, {200, 10, false}, {200, 10, false}, {200, 10, false}, {200, 10, true},
			{200, 10, false}, {200, 10, false}, {200, 10, false}, {200, 10, false}, {200, 10, false},
		}},
		{"busy throughout: never", []step{
			{0, 10, false}, {50, 10, false}, {100, 10, false}, {150, 10, false}, {200, 10, false}, {250, 10, false},
		}},
		{"pings and scrapes (under 1 MiB per quiet period) count as quiet", []step{
			{0, 10, false}, {100, 10, false}, {100, 10, false}, {100, 10, false}, {100, 10, false}, {100, 10, true},
		}},
		{"a big live heap allows more allocation per quiet period", []step{
			{0, 1024, false}, {1000, 1024, false}, {1003, 1024, false}, {1006, 1024, false}, {1009, 1024, false}, {1012, 1024, true},
		}},
		{"too little allocated since the start: nothing worth a collection", []step{
			{0, 10, false}, {3, 10, false}, {3, 10, false}, {3, 10, false}, {3, 10, false}, {3, 10, false},
		}},
		{"activity in the middle of a quiet period restarts it", []step{
			{0, 10, false}, {100, 10, false}, {100, 10, false}, {100, 10, false}, {150, 10, false},
			{150, 10, false}, {150, 10, false}, {150, 10, false}, {150, 10, true},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWatcher(after)
			for i, s := range tc.steps {
				sample := Sample{At: start.Add(time.Duration(i) * w.Period()), Allocs: s.allocs * mib, Live: s.live * mib}
				got := w.Observe(sample)
				if got != s.release {
					t.Fatalf("sample %d (%d MiB allocated): release %v, want %v", i, s.allocs, got, s.release)
				}
				if got {
					w.Released(sample)
				}
			}
		})
	}
}

// TestWatcherWaitsForChurnAfterARelease: once released, a quiet process
// releases again only after half its live heap has been allocated.
func TestWatcherWaitsForChurnAfterARelease(t *testing.T) {
	w := NewWatcher(time.Second)
	at := time.Unix(1000, 0)
	allocs := uint64(100 * mib)
	live := uint64(16 * mib)
	tick := func() bool {
		at = at.Add(w.Period())
		return w.Observe(Sample{At: at, Allocs: allocs, Live: live})
	}
	w.Observe(Sample{At: at, Allocs: 0, Live: live})
	released := 0
	for range 400 { // 100 quiet periods, 128 KiB allocated per sample
		allocs += 128 << 10
		if tick() {
			released++
			w.Released(Sample{At: at, Allocs: allocs, Live: live})
		}
	}
	// The first release a quiet period after the 100 MiB burst (sample
	// 5), then one per 8 MiB (half the live heap, 64 samples) allocated
	// since: samples 69, 133, ..., 389.
	if released != 7 {
		t.Fatalf("%d releases, want 7", released)
	}
}

// TestRunReturnsMemoryWhenQuiet is the real thing: a burst of garbage,
// then nothing; Run must release within a deadline, and the release is a
// forced collection (debug.FreeOSMemory).
func TestRunReturnsMemoryWhenQuiet(t *testing.T) {
	forced := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(forced)
	before := forced[0].Value.Uint64()
	ctx, cancel := context.WithCancel(context.Background())
	released := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, 100*time.Millisecond, func() {
			select {
			case released <- struct{}{}:
			default:
			}
		})
	}()
	var keep [][]byte
	for i := range 64 { // 64 MiB allocated, 8 MiB of it kept at any time
		keep = append(keep, make([]byte, mib))
		if len(keep) > 8 {
			keep = keep[1:]
		}
		keep[len(keep)-1][i] = 1
	}
	keep = nil
	select {
	case <-released:
	case <-time.After(30 * time.Second):
		t.Fatal("no release within 30 s of going quiet")
	}
	metrics.Read(forced)
	if forced[0].Value.Uint64() == before {
		t.Error("a release ran no forced collection")
	}
	cancel()
	<-done
	_ = keep
}

func TestRunOffReturnsAtOnce(t *testing.T) {
	Run(context.Background(), 0, func() { t.Error("released while off") })
}
