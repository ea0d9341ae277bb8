package grpcapi

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
)

// healthPrefix marks the health service's methods, open to probes like
// /healthz and /readyz.
var healthPrefix = "/" + healthpb.Health_ServiceDesc.ServiceName + "/"

func (s *Server) unaryAdmit(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := s.admitted(ctx, info.FullMethod, func() (any, error) { return h(ctx, req) })
	s.observe(info.FullMethod, err, start)
	return resp, err
}

func (s *Server) streamAdmit(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	start := time.Now()
	_, err := s.admitted(ss.Context(), info.FullMethod, func() (any, error) { return nil, h(srv, ss) })
	s.observe(info.FullMethod, err, start)
	return err
}

// admitted runs an RPC once it is sure the server is not draining and the
// caller is authorized, in the WebSocket upgrade's order; probes are
// always admitted. grpc-go refuses new calls once GracefulStop has begun,
// but a call can slip in before it has.
func (s *Server) admitted(ctx context.Context, method string, rpc func() (any, error)) (any, error) {
	if strings.HasPrefix(method, healthPrefix) {
		return rpc()
	}
	if s.draining() {
		s.refused(telemetry.RejectUnavailable)
		return nil, errDraining()
	}
	if s.o.Authorize != nil {
		if err := s.o.Authorize(authorization(ctx)); err != nil {
			s.refused(telemetry.RejectUnauthenticated)
			return nil, refusal(err)
		}
	}
	return rpc()
}

func (s *Server) observe(method string, err error, start time.Time) {
	if s.o.Metrics != nil {
		s.o.Metrics.RPC(method, grpcstatus.Code(err), time.Since(start))
	}
}

// refusal keeps a status error's code and turns any other error into
// UNAUTHENTICATED without its text, as the HTTP API does.
func refusal(err error) error {
	if se := status.From(err); se.Code != codes.Internal {
		return se
	}
	return status.Wrap(codes.Unauthenticated, err, "a valid bearer token is required")
}

func authorization(ctx context.Context) string {
	if v := metadata.ValueFromIncomingContext(ctx, "authorization"); len(v) > 0 {
		return v[0]
	}
	return ""
}

// limiterKey finds a connection's rate limit in its RPCs' contexts.
type limiterKey struct{}

// connTagger gives each connection its bucket: grpc-go derives every RPC's
// context from the one TagConn returns, so the bucket spans all the
// connection's RPCs, as the WebSocket's spans all its frames.
type connTagger struct{ rate ratelimit.Config }

func (c connTagger) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	if b := ratelimit.New(c.rate); b != nil {
		return context.WithValue(ctx, limiterKey{}, b)
	}
	return ctx
}

func (connTagger) HandleConn(context.Context, stats.ConnStats)                     {}
func (connTagger) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (connTagger) HandleRPC(context.Context, stats.RPCStats)                       {}

// allow takes a token for one event of the RPC's connection; see
// ratelimit.Bucket.Allow.
func allow(ctx context.Context) (ok, over bool) {
	b, _ := ctx.Value(limiterKey{}).(*ratelimit.Bucket)
	return b.Allow()
}

// limitListener closes connections beyond max at once, the gRPC form of
// the WebSocket's 503: the client sees UNAVAILABLE and may retry elsewhere.
func limitListener(ln net.Listener, max int, logger *slog.Logger, onRefuse func()) *limited {
	return &limited{Listener: ln, max: int64(max), logger: logger, warn: rate.Sometimes{Interval: 10 * time.Second},
		onRefuse: onRefuse}
}

type limited struct {
	net.Listener
	max    int64
	open   atomic.Int64
	logger *slog.Logger
	// A flood of refused connections must not become a flood of log
	// lines: one warning per interval, with how many were refused since.
	warn     rate.Sometimes
	refused  atomic.Int64
	onRefuse func() // tells the metrics of each refusal
}

func (l *limited) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &counted{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		l.refused.Add(1)
		l.onRefuse()
		l.warn.Do(func() {
			l.logger.Warn("grpc connections refused: connection limit reached", "max", l.max,
				"refused", l.refused.Swap(0), "last_remote", c.RemoteAddr().String())
		})
		_ = c.Close()
	}
}

type counted struct {
	net.Conn
	l    *limited
	once sync.Once
}

func (c *counted) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}
