package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
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
	base := testkit.GOGC()
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), cfg, Options{Listener: ln, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	stopLoad := make(chan struct{})
	loaded := make(chan struct{})
	go func() { defer close(loaded); testkit.SteadyHeap(stopLoad) }()
	defer func() { close(stopLoad); <-loaded }()
	for deadline := time.Now().Add(30 * time.Second); testkit.GOGC() == base; time.Sleep(10 * time.Millisecond) {
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
	if got := testkit.GOGC(); got != base {
		t.Fatalf("GOGC %d once Serve returned, want the configured %d", got, base)
	}
}
