package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/webguard"
)

// grpcOptions maps the configuration onto the gRPC door: its own listen
// address and ping floor, and the WebSocket's limits, so one event meets
// the same bounds whichever door it takes.
func grpcOptions(cfg config.Config, a *auth.Checker, ready func() error, m grpcapi.Metrics, l *slog.Logger) grpcapi.Options {
	w := cfg.WebSocket
	o := grpcapi.Options{
		MaxMessage:     int(w.ReadLimit),
		MaxConnections: w.MaxConnections,
		RateLimit:      ratelimit.Config{PerSecond: w.RateLimit.PerSecond, Burst: w.RateLimit.Burst, MaxViolations: w.RateLimit.MaxViolations},
		Keepalive: grpcapi.Keepalive{PingInterval: w.PingInterval, PongTimeout: w.PongTimeout,
			IdleTimeout: w.IdleTimeout, MaxLifetime: w.MaxLifetime, MinPingInterval: cfg.GRPC.MinPingInterval},
		Ready:   ready,
		Metrics: m,
		Logger:  l,
	}
	if a.Enabled() {
		o.Authorize = a.CheckBearer
	}
	return o
}

// serveGRPC opens grpc.listen and serves the gRPC door on it; errors from
// Serve arrive on served. With no gRPC door it does nothing.
func (a *app) serveGRPC(served chan<- error) error {
	if a.grpc == nil {
		return nil
	}
	ln, err := net.Listen("tcp", a.cfg.GRPC.Listen)
	if err != nil {
		return ConfigError(fmt.Errorf("grpc.listen %s: %w", a.cfg.GRPC.Listen, err))
	}
	a.logger.Info("grpc listening", "addr", ln.Addr().String())
	if !webguard.IsLoopback(listenHost(a.cfg.GRPC.Listen)) && !a.auth.Enabled() {
		a.logger.Warn("grpc listening beyond loopback with auth off: anyone who can reach this address can send events; set auth.tokens")
	}
	go func() {
		if err := a.grpc.Serve(ln); err != nil {
			served <- fmt.Errorf("grpc: %w", err)
		}
	}()
	return nil
}

// shutdownGRPC drains the gRPC door within ctx (GracefulStop, then Stop).
func (a *app) shutdownGRPC(ctx context.Context) error {
	if a.grpc == nil {
		return nil
	}
	return a.grpc.Shutdown(ctx)
}
