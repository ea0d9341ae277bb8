package bench

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestLive drives a real server when SCHEMAGATE_BENCH_URL is set, e.g. one of
// the peers in shared/peers, and fails unless every frame is answered once and
// correctly. SCHEMAGATE_BENCH_WORKLOAD names the workload file and
// SCHEMAGATE_BENCH_SECONDS the measured time (default 3).
func TestLive(t *testing.T) {
	url := os.Getenv("SCHEMAGATE_BENCH_URL")
	if url == "" {
		t.Skip("SCHEMAGATE_BENCH_URL not set")
	}
	secs, err := strconv.Atoi(os.Getenv("SCHEMAGATE_BENCH_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 3
	}
	o := Options{
		URL:      url,
		Workload: os.Getenv("SCHEMAGATE_BENCH_WORKLOAD"),
		Duration: time.Duration(secs) * time.Second,
		Warmup:   time.Second,
	}
	if testing.Verbose() {
		o.Progress = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Duration+time.Minute)
	defer cancel()
	r, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	r.WriteText(os.Stdout)
	if !r.OK() || r.Acked+r.Rejected == 0 {
		t.Fatal("run not clean")
	}
}
