package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/webguard"
	"github.com/schemagate/schemagate/internal/ws"
)

func newServeCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway",
		Long: "Run the gateway on the defaults, the configuration file (--config, $" + envConfig + ",\n" +
			"else " + defaultConfigFile + " if it exists), SCHEMAGATE_* environment variables and flags,\n" +
			"in that order of precedence.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd.Flags(), os.Environ())
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, s)
		},
	}
	configFlags(cmd.Flags())
	return cmd
}

// serve runs the gateway until ctx ends, then drains: no new connections,
// in-flight frames answered, sockets closed with 1001, sinks flushed, all
// within the drain timeout.
func serve(ctx context.Context, cfg config.Config, s streams) error {
	logger, err := newLogger(cfg.Log, s.err)
	if err != nil {
		return configError(err)
	}
	app, err := build(cfg, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		app.close(context.Background())
		return configError(fmt.Errorf("listen %s: %w", cfg.Listen, err))
	}
	// gRPC first, so that its address is in the log before "listening",
	// which says the server is up.
	served := make(chan error, 2)
	if err := app.serveGRPC(served); err != nil {
		_ = ln.Close()
		app.close(context.Background())
		return err
	}
	app.logLoaded(ln.Addr().String())
	if !webguard.IsLoopback(listenHost(cfg.Listen)) && !app.auth.Enabled() {
		logger.Warn("listening beyond loopback with auth off: anyone who can reach this address can send events; set auth.tokens")
	}
	// Until its headers are in, a request may be an API call
	// (http.read_header_timeout) or an upgrade (websocket.handshake_timeout,
	// always > 0): only the shorter bounds both. A zero or negative
	// http.read_header_timeout must not turn the bound off.
	headerTimeout := cfg.WebSocket.HandshakeTimeout
	if h := cfg.HTTP.ReadHeaderTimeout; h > 0 && h < headerTimeout {
		headerTimeout = h
	}
	srv := &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       cfg.HTTP.ReadTimeout,
		WriteTimeout:      cfg.HTTP.WriteTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		_ = app.shutdownGRPC(context.Background())
		_ = srv.Close()
		app.close(context.Background())
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	return drain(srv, app, cfg.Shutdown.DrainTimeout, logger)
}

func drain(srv *http.Server, app *app, timeout time.Duration, logger *slog.Logger) error {
	logger.Info("shutting down", "drain_timeout", timeout.String(), "connections", app.ws.Connections())
	app.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	errc := make(chan error, 3)
	go func() { errc <- srv.Shutdown(ctx) }()
	go func() { errc <- app.ws.Shutdown(ctx) }()
	go func() { errc <- app.shutdownGRPC(ctx) }()
	var errs []error
	for range 3 {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	if err := app.close(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		logger.Error("drain incomplete", "err", err)
		return fmt.Errorf("drain: %w", err)
	}
	logger.Info("stopped cleanly")
	return nil
}

func newLogger(c config.Log, w interface{ Write([]byte) (int, error) }) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}

// listenHost is the host part of a listen address ("" for all interfaces).
func listenHost(listen string) string {
	host, _, _ := net.SplitHostPort(listen)
	return host
}

// wsOptions maps the configuration onto the WebSocket server's options.
func wsOptions(c config.WebSocket, a *auth.Checker, m ws.Metrics, l *slog.Logger) ws.Options {
	o := ws.Options{
		ReadLimit: c.ReadLimit, SendQueue: c.SendQueue, WriteTimeout: c.WriteTimeout,
		PongTimeout: c.PongTimeout, PingInterval: c.PingInterval, HandshakeTimeout: c.HandshakeTimeout,
		IdleTimeout: c.IdleTimeout, MaxLifetime: c.MaxLifetime, MaxConnections: c.MaxConnections,
		AllowedOrigins: c.AllowedOrigins,
		RateLimit:      ws.RateLimit{PerSecond: c.RateLimit.PerSecond, Burst: c.RateLimit.Burst, MaxViolations: c.RateLimit.MaxViolations},
		Metrics:        m, Logger: l,
	}
	if a.Enabled() {
		o.Authorize = a.Check
		o.Subprotocols = []string{auth.Subprotocol}
	}
	return o
}
