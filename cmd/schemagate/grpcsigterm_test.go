package main

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	grpcstatus "google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/testkit"
)

// SIGTERM on the real binary with a gRPC stream open and a health watch:
// the watch sees NOT_SERVING, the stream, which owes nothing, ends at once
// with UNAVAILABLE, and the process exits 0 well within drain_timeout.
func TestBinarySIGTERMDrainsGRPC(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	const drain = 30 * time.Second
	cfg := fmt.Sprintf("schemas: {dir: %s}\nhandlers: [echo/v1]\nactions: {}\nroutes: []\nshutdown: {drain_timeout: %s}\n", repoSchemas(t), drain)
	testkit.WriteFile(t, cfgPath, []byte(cfg))
	srv := serveBinary(t, cfgPath, nil, "--grpc-listen", "127.0.0.1:0")
	logs := srv.Logs
	cc, _ := dialGRPC(t, logs)
	s, err := schemagatev1.NewEventServiceClient(cc).PublishStream(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(&schemagatev1.Event{Id: "s1", Type: "echo", Version: 1, Data: []byte(`1`)}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Recv(); err != nil || !r.GetOk() {
		t.Fatalf("before SIGTERM: %v %v", r, err)
	}
	w, err := healthpb.NewHealthClient(cc).Watch(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := w.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health before SIGTERM: %v %v", r, err)
	}

	start := time.Now()
	srv.Signal(t, syscall.SIGTERM)
	if r, err := w.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health during the drain: %v %v", r, err)
	}
	if _, err := s.Recv(); grpcstatus.Code(err) != codes.Unavailable {
		t.Fatalf("the idle stream: %v, want UNAVAILABLE", err)
	}
	if err := srv.WaitExit(t, drain); err != nil {
		t.Fatalf("exit: %v\n%s", err, logs.Tail(4000))
	}
	if took := time.Since(start); took > drain/2 {
		t.Errorf("the drain took %v: something waited for the deadline", took)
	}
}
