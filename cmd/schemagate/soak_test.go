package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/bench"
)

// TestSoak drives the real server with hundreds of connections sending a
// mixed valid/invalid workload, bounded in frames and in time, and checks
// with the contract load generator (internal/bench) that no frame was
// lost, answered twice or judged wrongly; then that the process's memory
// after the long run stays within a bound of its memory after a warm-up,
// which a per-frame or per-connection leak would break. Server and load
// generator share the process, so RSS covers both.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak; skipped with -short")
	}
	addr, _, _ := startServe(t, benchConfig(t)+"websocket: {max_connections: 1000}\n")
	o := bench.Options{
		URL:      "ws://" + addr + "/ws",
		Workload: "../../internal/bench/testdata/mixed.ndjson",
		Conns:    200,
		InFlight: 4,
		// Generous for -race on a loaded two-core machine: a reply later
		// than this counts as lost and fails the test.
		DrainTimeout: 30 * time.Second,
	}
	run := func(name string, count int, limit time.Duration) bench.Result {
		t.Helper()
		o := o
		o.Count, o.Duration = count, limit
		r, err := bench.Run(context.Background(), o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !r.OK() || r.Acked == 0 || r.Rejected == 0 {
			t.Fatalf("%s: sent %d, acked %d, rejected %d, lost %d, duplicated %d, wrong verdicts %d, malformed %d, connection errors %d %v %v",
				name, r.Sent, r.Acked, r.Rejected, r.Lost, r.Duplicated, r.Mismatched, r.Malformed, r.ConnErrors, r.Errors, r.Samples)
		}
		return r
	}
	run("warm-up", 10_000, 5*time.Second)
	// Under -race, RSS also holds the detector's shadow memory and the
	// history of every goroutine it saw, which grows with each round of
	// fresh connections whatever the program does; the Go heap is then the
	// measure that a leak per frame or connection would move.
	measure, unit := settledRSS, "RSS"
	if raceEnabled {
		measure, unit = settledHeap, "heap in use"
	}
	warm := measure(t)
	// Several rounds, each with 200 fresh connections: per-connection
	// state that is never freed would grow with the rounds.
	var total bench.Result
	start := time.Now()
	var rounds []string
	for round := 0; round < 3 && time.Since(start) < 10*time.Second; round++ {
		r := run("round "+strconv.Itoa(round), 100_000, 5*time.Second)
		total.Sent += r.Sent
		total.Acked += r.Acked
		total.Rejected += r.Rejected
		rounds = append(rounds, strconv.FormatInt(measure(t)>>20, 10))
	}
	end := measure(t)
	// The bound leaves room for the allocator and the race detector's
	// shadow memory, far below what a leak per frame or connection over
	// this many would add.
	bound := warm + warm/2 + 64<<20
	if raceEnabled {
		// Nothing is in flight after the last round: the settled heap
		// should be back where warm-up left it.
		bound = 2*warm + 16<<20
	}
	t.Logf("soak: %d frames over 200 connections in %v (%d acked, %d rejected; 0 lost, 0 duplicated, 0 wrong); %s %d MiB after warm-up, %s MiB after each round, %d MiB at the end",
		total.Sent, time.Since(start).Round(time.Millisecond), total.Acked, total.Rejected, unit, warm>>20, strings.Join(rounds, ", "), end>>20)
	if end > bound {
		t.Fatalf("%s grew from %d MiB after warm-up to %d MiB (bound %d MiB)", unit, warm>>20, end>>20, bound>>20)
	}
}

// settledHeap is the Go heap in use after a collection, in bytes.
func settledHeap(*testing.T) int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

// settledRSS is the process's resident set after a collection, in bytes,
// so that garbage not yet collected does not count as growth.
func settledRSS(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmRSS in /proc/self/status")
	return 0
}
