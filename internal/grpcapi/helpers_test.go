package grpcapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/schemagate/schemagate/internal/event"
	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// fixture is a real pipeline over the shipped schemas (echo registered)
// behind a real gRPC server on a loopback port.
type fixture struct {
	srv    *grpcapi.Server
	addr   string
	served chan error
}

func newFixture(t *testing.T, o grpcapi.Options) *fixture {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true, MaxDetails: 20})
	if err != nil {
		t.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1},
		func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) { return ev.Raw, nil })
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := grpcapi.New(p, reg, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv, addr: ln.Addr().String(), served: make(chan error, 1)}
	go func() { f.served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return f
}

func (f *fixture) dial(t *testing.T, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient("passthrough:///"+f.addr, append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func (f *fixture) client(t *testing.T, opts ...grpc.DialOption) schemagatev1.EventServiceClient {
	return schemagatev1.NewEventServiceClient(f.dial(t, opts...))
}

func (f *fixture) health(t *testing.T) healthpb.HealthClient {
	return healthpb.NewHealthClient(f.dial(t))
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// openStream opens a PublishStream and sees a small echo event
// acknowledged on it, so that the stream is known to be up.
func openStream(t *testing.T, c schemagatev1.EventServiceClient) grpc.BidiStreamingClient[schemagatev1.Event, schemagatev1.Reply] {
	t.Helper()
	s, err := c.PublishStream(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Send(newEvent("first", "echo", 1, `1`))
	if r, err := s.Recv(); err != nil || !r.GetOk() {
		t.Fatalf("the stream's first event: %v %v", r, err)
	}
	return s
}

func newEvent(id, typ string, version uint32, data string) *schemagatev1.Event {
	return &schemagatev1.Event{Id: id, Type: typ, Version: version, Data: []byte(data)}
}

var errNotReady = errors.New("nats: not connected")

// wantMetrics waits until m's gRPC series include every line. A call is
// counted as its handler returns, which its client may hear of first.
func wantMetrics(t *testing.T, m *telemetry.Metrics, lines ...string) {
	t.Helper()
	var out []byte
	defer func() {
		if t.Failed() {
			t.Logf("the gRPC series:\n%s", out)
		}
	}()
	testkit.WaitFor(t, 10*time.Second, fmt.Sprintf("the gRPC series to read %q", lines), func() bool {
		var err error
		out, err = testutil.GatherAndFormat(m.Gatherer(), expfmt.TypeTextPlain,
			"schemagate_grpc_rejected_total", "schemagate_grpc_rpcs_total")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if !strings.Contains(string(out), l+"\n") {
				return false
			}
		}
		return true
	})
}

func rejected(reason string, n int) string {
	return fmt.Sprintf(`schemagate_grpc_rejected_total{reason=%q} %d`, reason, n)
}

// rejections is schemagate_grpc_rejected_total{reason} now.
func rejections(t *testing.T, m *telemetry.Metrics, reason string) float64 {
	t.Helper()
	fams, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "schemagate_grpc_rejected_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			if s.GetLabel()[0].GetValue() == reason {
				return s.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no schemagate_grpc_rejected_total{reason=%q}", reason)
	return 0
}
