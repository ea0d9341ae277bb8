package grpcapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/schemagate/schemagate/internal/auth"
	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/telemetry"
)

const token = "0123456789abcdef-token"

func TestAuthorize(t *testing.T) {
	m := telemetry.New(nil)
	f := newFixture(t, grpcapi.Options{Authorize: auth.New([]string{token}).CheckBearer, Metrics: m})
	c := f.client(t)
	valid := newEvent("a", "person", 1, `{"name":"John","age":30,"city":"New York"}`)
	for _, tc := range []struct {
		name, header string
		code         codes.Code
	}{
		{"none", "", codes.Unauthenticated},
		{"wrong", "Bearer nope-nope-nope-nope", codes.Unauthenticated},
		{"not bearer", "Basic " + token, codes.Unauthenticated},
		{"right", "Bearer " + token, codes.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			if tc.header != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", tc.header)
			}
			if _, err := c.Publish(ctx, valid); grpcstatus.Code(err) != tc.code {
				t.Fatalf("Publish: %v, want %v", err, tc.code)
			}
			s, err := c.PublishStream(ctx)
			if err == nil {
				_ = s.Send(valid)
				_, err = s.Recv()
			}
			if grpcstatus.Code(err) != tc.code {
				t.Fatalf("PublishStream: %v, want %v", err, tc.code)
			}
		})
	}
	// Probes need no token, as /healthz and /readyz need none.
	if r, err := f.health(t).Check(ctxT(t), &healthpb.HealthCheckRequest{}); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health without a token: %v %v", r, err)
	}
	// Three refused tokens, each on both rpcs.
	wantMetrics(t, m, rejected(telemetry.RejectUnauthenticated, 6), rejected(telemetry.RejectUnavailable, 0))
}

func TestMessageSizeLimit(t *testing.T) {
	m := telemetry.New(nil)
	c := newFixture(t, grpcapi.Options{MaxMessage: 1024, Metrics: m}).client(t)
	big := newEvent("a", "echo", 1, `"`+strings.Repeat("x", 2048)+`"`)
	if _, err := c.Publish(ctxT(t), big); grpcstatus.Code(err) != codes.ResourceExhausted {
		t.Fatalf("Publish: %v", err)
	}
	s := openStream(t, c)
	_ = s.Send(big)
	if _, err := s.Recv(); grpcstatus.Code(err) != codes.ResourceExhausted {
		t.Fatalf("stream: %v", err)
	}
	// grpc-go refuses the Publish before any interceptor: counted anyway.
	wantMetrics(t, m, rejected(telemetry.CloseTooBig, 2),
		`schemagate_grpc_rpcs_total{code="RESOURCE_EXHAUSTED",method="/schemagate.v1.EventService/Publish"} 1`,
		`schemagate_grpc_rpcs_total{code="RESOURCE_EXHAUSTED",method="/schemagate.v1.EventService/PublishStream"} 1`)
}

func TestRateLimit(t *testing.T) {
	rl := ratelimit.Config{PerSecond: 0.001, Burst: 1, MaxViolations: 3}
	m := telemetry.New(nil)
	c := newFixture(t, grpcapi.Options{RateLimit: rl, Metrics: m}).client(t)
	ev := newEvent("a", "echo", 1, `1`)
	if _, err := c.Publish(ctxT(t), ev); err != nil {
		t.Fatal(err)
	}
	// The bucket is the connection's: the stream finds it empty.
	if _, err := c.Publish(ctxT(t), ev); grpcstatus.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second Publish: %v", err)
	}
	s, err := c.PublishStream(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	// The Publish above was the first violation in a row, this the second.
	_ = s.Send(ev)
	if r, err := s.Recv(); err != nil || codes.Code(r.GetError().GetCode()) != codes.ResourceExhausted || r.GetId() != "a" {
		t.Fatalf("over the limit: %v %v", r, err)
	}
	_ = s.Send(ev)
	if _, err := s.Recv(); grpcstatus.Code(err) != codes.ResourceExhausted {
		t.Fatalf("the third violation in a row must end the stream: %v", err)
	}
	wantMetrics(t, m, rejected(telemetry.CloseRate, 3))
}

func TestConnectionLimit(t *testing.T) {
	m := telemetry.New(nil)
	f := newFixture(t, grpcapi.Options{MaxConnections: 1, Metrics: m})
	first := f.client(t)
	if _, err := first.ListSchemas(ctxT(t), &schemagatev1.ListSchemasRequest{}); err != nil {
		t.Fatal(err)
	}
	second := f.client(t)
	if _, err := second.ListSchemas(ctxT(t), &schemagatev1.ListSchemasRequest{}); grpcstatus.Code(err) != codes.Unavailable {
		t.Fatalf("second connection: %v", err)
	}
	// The first stays served.
	if _, err := first.ListSchemas(ctxT(t), &schemagatev1.ListSchemasRequest{}); err != nil {
		t.Fatal(err)
	}
	// The second client may have tried more than once by now.
	if n := rejections(t, m, telemetry.RejectUnavailable); n < 1 {
		t.Fatalf("%v connection refusals counted, want at least 1", n)
	}
}

func TestHealthFollowsReady(t *testing.T) {
	var ready error
	readyCh := make(chan struct{}, 1)
	f := newFixture(t, grpcapi.Options{Ready: func() error {
		select {
		case <-readyCh:
			ready = errNotReady
		default:
		}
		return ready
	}})
	h := f.health(t)
	check := func(service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
		r, err := h.Check(ctxT(t), &healthpb.HealthCheckRequest{Service: service})
		return r.GetStatus(), err
	}
	for _, svc := range []string{"", schemagatev1.EventService_ServiceDesc.ServiceName} {
		if st, err := check(svc); err != nil || st != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("%q: %v %v", svc, st, err)
		}
	}
	if _, err := check("other.Service"); grpcstatus.Code(err) != codes.NotFound {
		t.Fatalf("unknown service: %v", err)
	}
	readyCh <- struct{}{}
	if st, _ := check(""); st != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("not ready: %v", st)
	}
}

// A drain tells watchers NOT_SERVING, ends idle streams at once with
// UNAVAILABLE, and finishes well before its deadline.
func TestShutdownDrains(t *testing.T) {
	m := telemetry.New(nil)
	f := newFixture(t, grpcapi.Options{Metrics: m})
	c := f.client(t)
	s := openStream(t, c)
	w, err := f.health(t).Watch(ctxT(t), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := w.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch: %v %v", r, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.srv.Shutdown(ctx) }()
	if r, err := w.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch during drain: %v %v", r, err)
	}
	if _, err := s.Recv(); grpcstatus.Code(err) != codes.Unavailable {
		t.Fatalf("idle stream: %v", err)
	}
	wantMetrics(t, m, rejected(telemetry.RejectUnavailable, 1))
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-f.served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := c.Publish(ctxT(t), newEvent("2", "echo", 1, `1`), grpc.WaitForReady(false)); grpcstatus.Code(err) != codes.Unavailable {
		t.Fatalf("after the drain: %v", err)
	}
}
