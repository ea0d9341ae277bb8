package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// Serve's memory keepers end with it, however it ends: here its listener
// fails while heapfloor has GOGC raised, and by the time Serve returns
// GOGC is the configured one again, so a host that serves again (or does
// anything else) does not inherit a tuner or its setting.
func TestServeStopsItsMemoryKeepers(t *testing.T) {
	cfg := repoConfig(t)
	cfg.GRPC.Listen = ""
	cfg.Memory.HeapFloor = 64 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := gogc()
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), cfg, Options{Listener: ln, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	stopLoad := make(chan struct{})
	loaded := make(chan struct{})
	go func() { defer close(loaded); allocate(stopLoad) }()
	defer func() { close(stopLoad); <-loaded }()
	for deadline := time.Now().Add(30 * time.Second); gogc() == base; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("GOGC never raised under a steady load")
		}
	}
	ln.Close()
	select {
	case err := <-served:
		if err == nil {
			t.Fatal("Serve returned nil on a failed listener")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after its listener failed")
	}
	if got := gogc(); got != base {
		t.Fatalf("GOGC %d once Serve returned, want the configured %d", got, base)
	}
}

func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// allocate is a steady load until done closes: 8 MiB live, and garbage
// (over 64 KB a time, so on the heap).
func allocate(done <-chan struct{}) {
	live := make([]byte, 8<<20)
	for {
		select {
		case <-done:
			runtime.KeepAlive(live)
			return
		default:
		}
		for range 16 {
			_ = make([]byte, 80<<10)
		}
		time.Sleep(time.Millisecond)
	}
}
