// Package grpcapi is schemagate's gRPC front door: schemagate.v1.EventService
// (proto/schemagate/v1) on the same pipeline as the WebSocket and the HTTP
// API, with grpc.health.v1 and server reflection beside it. It admits like
// the other doors (bearer tokens, message size, connection and rate limits,
// keepalive), hands each Event's fields to the pipeline, and answers with
// the one error model: a rejection's google.rpc.Status comes from
// internal/status.
//
// A PublishStream runs in two goroutines: the handler's, which only waits
// for the end or for a drain, and a worker, which receives an event,
// answers it, and receives the next:
//
//	worker:  Recv ──▶ busy: pipeline, Send ──▶ idle ──▶ Recv ...
//	drain:   idle → the handler ends the stream at once (UNAVAILABLE);
//	         busy → the worker answers the event, then ends it.
//
// So a drain never cuts off a reply that is owed, and never waits for a
// client that has nothing more to send.
package grpcapi

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/schemagate/schemagate/internal/drain"
	"github.com/schemagate/schemagate/internal/event"
	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/validate"
)

// Options configures the door. The limits mirror the WebSocket's (see
// config.GRPC for which keys feed them); zero turns a limit off unless the
// field says otherwise.
type Options struct {
	// MaxMessage bounds an Event in bytes (websocket.read_limit); a bigger
	// one fails its RPC with RESOURCE_EXHAUSTED. 0 keeps grpc-go's 4 MiB.
	MaxMessage int
	// MaxConnections bounds open connections; one beyond is closed at once.
	MaxConnections int
	// RateLimit is a token bucket per connection, over all its RPCs.
	RateLimit ratelimit.Config
	// Keepalive is what the server asks of connections and allows them.
	Keepalive Keepalive
	// Authorize, when set, must accept the authorization metadata of every
	// RPC but the health checks'; its error is the RPC's status.
	Authorize func(authorization string) error
	// Ready, when set, is asked by the health service, as /readyz asks it.
	Ready func() error
	// TLS, when set, makes the door speak TLS with it (offering "h2" by
	// ALPN); nil serves plaintext HTTP/2.
	TLS *tls.Config
	// Metrics, when set, is told the outcome of every RPC.
	Metrics Metrics
	Logger  *slog.Logger
}

// Keepalive maps the WebSocket's ping settings onto HTTP/2 pings.
type Keepalive struct {
	PingInterval    time.Duration // the server pings an idle connection this often
	PongTimeout     time.Duration // silence after which the peer is dead (> PingInterval)
	IdleTimeout     time.Duration // a connection with no RPC for this long is closed (0: off)
	MaxLifetime     time.Duration // a connection's age limit (0: off)
	MinPingInterval time.Duration // a client pinging more often is sent away (grpc-go reads 0 as 5 min)
}

// Metrics learns the outcome of each RPC: its full method name, status
// code and duration (for a stream, its whole life); and each refusal, by
// one of telemetry's reasons (see refused).
type Metrics interface {
	RPC(method string, code codes.Code, elapsed time.Duration)
	GRPCRejected(reason string)
}

// Pipeline is what the door asks of the pipeline: a *pipeline.Pipeline,
// or a *pipeline.Current that a reload swaps whole.
type Pipeline interface {
	Parts(ctx context.Context, id, typ string, version uint64, data []byte, received time.Time) pipeline.Verdict
	RefuseParts(err *status.Error) *status.Error
}

// Catalog is the schemas the catalog rpcs serve: a *validate.Registry, or
// one that follows reloads.
type Catalog interface {
	Len() int
	Schemas() []*validate.Schema
	Lookup(key event.Key) (*validate.Schema, bool)
}

// Server is the gRPC door. Build it with New, run it with Serve, stop it
// with Shutdown.
type Server struct {
	schemagatev1.UnimplementedEventServiceServer
	p      Pipeline
	reg    Catalog
	o      Options
	g      *grpc.Server
	health *health
	// drain is closed when Shutdown starts; streams end at their next
	// idle moment.
	drain     chan struct{}
	drainOnce sync.Once
	// counted is the listener that counts connections, once serving.
	counted atomic.Pointer[limited]
}

// New builds the door over p; reg serves the catalog rpcs.
func New(p Pipeline, reg Catalog, o Options) (*Server, error) {
	if p == nil || reg == nil {
		return nil, errors.New("grpcapi: a pipeline and a registry are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{p: p, reg: reg, o: o, drain: make(chan struct{})}
	s.health = newHealth(o.Ready, s.drain)
	s.g = grpc.NewServer(s.serverOptions()...)
	s.g.RegisterService(s.watchDecode(schemagatev1.EventService_ServiceDesc), s)
	s.g.RegisterService(s.watchDecode(healthpb.Health_ServiceDesc), s.health)
	reflection.Register(s.g)
	return s, nil
}

func (s *Server) serverOptions() []grpc.ServerOption {
	k := s.o.Keepalive
	params := keepalive.ServerParameters{MaxConnectionIdle: k.IdleTimeout, MaxConnectionAge: k.MaxLifetime}
	if k.PingInterval > 0 && k.PongTimeout > k.PingInterval {
		params.Time, params.Timeout = k.PingInterval, k.PongTimeout-k.PingInterval
	}
	opts := []grpc.ServerOption{
		grpc.KeepaliveParams(params),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: k.MinPingInterval, PermitWithoutStream: true}),
		grpc.ForceServerCodecV2(newCodec()),
		grpc.ChainUnaryInterceptor(s.unaryAdmit),
		grpc.ChainStreamInterceptor(s.streamAdmit),
	}
	// A stats handler makes grpc-go stamp and report every message: only
	// the rate limit, which needs a bucket per connection, pays for one.
	if s.o.RateLimit.PerSecond > 0 {
		opts = append(opts, grpc.StatsHandler(connTagger{rate: s.o.RateLimit}))
	}
	if s.o.MaxMessage > 0 {
		opts = append(opts, grpc.MaxRecvMsgSize(s.o.MaxMessage))
	}
	if s.o.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(s.o.TLS)))
	}
	return opts
}

// Serve accepts connections on ln until Shutdown; it returns nil after a
// Shutdown and the listener's error otherwise.
func (s *Server) Serve(ln net.Listener) error {
	if s.o.MaxConnections > 0 {
		l := limitListener(ln, s.o.MaxConnections, s.o.Logger, func() { s.refused(telemetry.RejectUnavailable) })
		s.counted.Store(l)
		ln = l
	}
	err := s.g.Serve(ln)
	if errors.Is(err, grpc.ErrServerStopped) {
		return nil
	}
	return err
}

// Connections is the number of open gRPC connections, as the connection
// limit counts them (0 when max_connections is 0: none are counted).
func (s *Server) Connections() int {
	if l := s.counted.Load(); l != nil {
		return int(l.open.Load())
	}
	return 0
}

// Shutdown drains: the health service says NOT_SERVING, no new RPCs are
// taken, streams end once they owe no reply, and in-flight RPCs finish.
// When ctx ends first, every connection is closed at once and ctx's error
// returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.drainOnce.Do(func() { close(s.drain) })
	done, err := drain.Wait(ctx, s.g.GracefulStop)
	if err != nil {
		s.g.Stop()
		<-done
	}
	return err
}

// draining reports whether Shutdown has begun.
func (s *Server) draining() bool {
	select {
	case <-s.drain:
		return true
	default:
		return false
	}
}
