package main

import (
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/testkit"
)

// The gRPC health service follows /readyz when the required dependency
// goes: NATS stopped, the server and EventService turn NOT_SERVING (a
// watcher is told so) and /readyz 503; NATS back on its store and port,
// both turn SERVING again.
func TestGRPCHealthFollowsNATS(t *testing.T) {
	ns := natstest.RunRestartable(t)
	url := ns.URL()
	addr, _, grpcAddr := startGRPCServe(t, natsGateway(t, url))
	cc, err := grpc.NewClient("passthrough:///"+grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	h := healthpb.NewHealthClient(cc)
	services := []string{"", schemagatev1.EventService_ServiceDesc.ServiceName}
	statusIs := func(want healthpb.HealthCheckResponse_ServingStatus) func() bool {
		return func() bool {
			for _, svc := range services {
				r, err := h.Check(t.Context(), &healthpb.HealthCheckRequest{Service: svc})
				if err != nil {
					t.Fatalf("Check %q: %v", svc, err)
				}
				if r.GetStatus() != want {
					return false
				}
			}
			return true
		}
	}
	testkit.WaitFor(t, 20*time.Second, "SERVING with NATS up", statusIs(healthpb.HealthCheckResponse_SERVING))
	if readyz(t, addr) != 200 {
		t.Fatal("/readyz not ready while gRPC health says SERVING")
	}
	w, err := h.Watch(t.Context(), &healthpb.HealthCheckRequest{Service: services[1]})
	if err != nil {
		t.Fatal(err)
	}
	watched := func(want healthpb.HealthCheckResponse_ServingStatus) {
		t.Helper()
		if r, err := w.Recv(); err != nil || r.GetStatus() != want {
			t.Fatalf("watch: %v %v, want %v", r, err, want)
		}
	}
	watched(healthpb.HealthCheckResponse_SERVING)

	ns.Stop()
	watched(healthpb.HealthCheckResponse_NOT_SERVING)
	testkit.WaitFor(t, 20*time.Second, "NOT_SERVING with NATS down", statusIs(healthpb.HealthCheckResponse_NOT_SERVING))
	if readyz(t, addr) != 503 {
		t.Fatal("/readyz ready with NATS down while gRPC health says NOT_SERVING")
	}

	ns.Start()
	watched(healthpb.HealthCheckResponse_SERVING)
	testkit.WaitFor(t, 20*time.Second, "SERVING after NATS restarted", statusIs(healthpb.HealthCheckResponse_SERVING))
	if readyz(t, addr) != 200 {
		t.Fatal("/readyz not ready after NATS restarted while gRPC health says SERVING")
	}
}
