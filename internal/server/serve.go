package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/heapfloor"
	"github.com/schemagate/schemagate/internal/memrelease"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/sdnotify"
	"github.com/schemagate/schemagate/internal/webguard"
	"github.com/schemagate/schemagate/internal/ws"
)

// Serve runs the gateway until ctx ends, then drains: no new connections,
// in-flight frames answered, sockets closed with 1001, sinks flushed, all
// within the drain timeout. Every configuration problem is reported before
// any listener opens.
func Serve(ctx context.Context, cfg config.Config, o Options) error {
	logger := o.Logger
	if logger == nil {
		l, err := NewLogger(cfg.Log, o.Stderr)
		if err != nil {
			return ConfigError(err)
		}
		logger = l
	}
	app, err := build(cfg, logger, o.Register)
	if err != nil {
		return err
	}
	app.reloads.load, app.reloads.file = o.Reload, o.ConfigFile
	if app.reloads.load == nil {
		app.reloads.load = func() (config.Config, error) { return cfg, nil }
	}
	ln := o.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			app.close(context.Background())
			return ConfigError(fmt.Errorf("listen %s: %w", cfg.Listen, err))
		}
	}
	// gRPC first, so that its address is in the log before "listening",
	// which says the server is up.
	served := make(chan error, 2)
	if err := app.serveGRPC(served); err != nil {
		_ = ln.Close()
		app.close(context.Background())
		return err
	}
	app.systemd = sdnotify.New(os.Getenv("NOTIFY_SOCKET"))
	// The reload triggers are up before "listening" says the server is:
	// a SIGHUP or a change made after it is never missed.
	app.onHangup(ctx)
	app.watch(ctx)
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
	// Requests run under inflight rather than a context of their own, so
	// that drain can end what is still running when the drain timeout
	// passes (a webhook retrying, an fsync) and the client gets its answer.
	inflight, stopInflight := context.WithCancel(context.Background())
	defer stopInflight()
	srv := &http.Server{
		BaseContext:       func(net.Listener) context.Context { return inflight },
		Handler:           app.handler,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       cfg.HTTP.ReadTimeout,
		WriteTimeout:      cfg.HTTP.WriteTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if app.console != nil {
		srv.RegisterOnShutdown(app.console.Close) // its streams would hold the drain
	}
	if cfg := app.tlsConfig("h2", "http/1.1"); cfg != nil {
		srv.TLSConfig = cfg
		go app.certs.Watch(ctx, app.cfg.TLS.ReloadInterval, logger)
		go func() { served <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- srv.Serve(ln) }()
	}
	defer tendMemory(ctx, cfg.Memory, logger)()
	if err := app.systemd.Notify(sdnotify.Ready, "STATUS=serving on "+ln.Addr().String()); err != nil {
		logger.Warn("could not tell systemd the service is ready", "err", err)
	}
	select {
	case err := <-served:
		_ = app.shutdownGRPC(context.Background())
		_ = srv.Close()
		app.close(context.Background())
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	return drain(srv, app, cfg.Shutdown.DrainTimeout, stopInflight, logger)
}

// tendMemory starts the process's memory keepers (memrelease, heapfloor)
// and returns what stops them and waits for them: on every way out of
// Serve, not only ctx's end (a listener that fails returns early), so that
// no keeper outlives the server, and the collector's setting is back to
// the configured one before Serve returns to a host that may serve again.
func tendMemory(ctx context.Context, m config.Memory, logger *slog.Logger) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		memrelease.Run(ctx, m.ReleaseAfter, func() { logger.Debug("heap memory beyond the live heap returned to the system") })
	})
	wg.Go(func() { heapfloor.Run(ctx, m.HeapFloor) })
	return func() { cancel(); wg.Wait() }
}

// drainGrace is how long the doors have, once the drain timeout has passed
// and the contexts of what is still in flight have ended, to write those
// answers (UNAVAILABLE) and close frames; closeGrace is how long the sinks
// then have to close. Acknowledged events are durable already, so both
// are short: the process exits within drain_timeout and a second.
const (
	drainGrace = 500 * time.Millisecond
	closeGrace = 200 * time.Millisecond
)

// drain stops the server within timeout plus drainGrace, whatever is
// stuck: it stops accepting, lets every door finish what it is doing until
// timeout, then ends the contexts of what is left (stopInflight for HTTP;
// the WebSocket and gRPC doors end their own when their Shutdown's context
// does), gives the doors drainGrace to answer, and closes the sinks.
func drain(srv *http.Server, app *app, timeout time.Duration, stopInflight context.CancelFunc, logger *slog.Logger) error {
	logger.Info("shutting down", "drain_timeout", timeout.String(), "connections", app.ws.Connections())
	app.draining.Store(true)
	_ = app.systemd.Notify(sdnotify.Stopping)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	errs := shutdownDoors(ctx, srv, app)
	if ctx.Err() != nil {
		stopInflight()
		grace, cancelGrace := context.WithTimeout(context.Background(), drainGrace)
		defer cancelGrace()
		_ = shutdownDoors(grace, srv, app) // what was cut off answers now
		var cancelClose context.CancelFunc
		ctx, cancelClose = context.WithTimeout(context.Background(), closeGrace)
		defer cancelClose()
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

// shutdownDoors shuts the three doors down in parallel under ctx and
// returns their errors. When ctx ends, a door that is still busy is left
// behind with an error of its own, so that nothing it waits for can hold
// the process.
func shutdownDoors(ctx context.Context, srv *http.Server, app *app) []error {
	doors := []struct {
		name     string
		shutdown func(context.Context) error
	}{{"http", srv.Shutdown}, {"websocket", app.ws.Shutdown}, {"grpc", app.shutdownGRPC}}
	errc := make(chan error, len(doors))
	for _, d := range doors {
		go func() {
			if err := d.shutdown(ctx); err != nil {
				errc <- fmt.Errorf("%s: %w", d.name, err)
				return
			}
			errc <- nil
		}()
	}
	var errs []error
	for n := 0; n < len(doors); n++ {
		select {
		case err := <-errc:
			if err != nil {
				errs = append(errs, err)
			}
		case <-ctx.Done():
			return append(errs, fmt.Errorf("%d door(s) still busy: %w", len(doors)-n, ctx.Err()))
		}
	}
	return errs
}

// NewLogger is the logger log.level and log.format ask for, writing to w.
func NewLogger(c config.Log, w io.Writer) (*slog.Logger, error) {
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
		ReadLimit: c.ReadLimit, SendQueueBytes: c.SendQueueBytes, MaxInflightBytes: c.MaxInflightBytes, WriteTimeout: c.WriteTimeout,
		PongTimeout: c.PongTimeout, PingInterval: c.PingInterval, HandshakeTimeout: c.HandshakeTimeout,
		IdleTimeout: c.IdleTimeout, MaxLifetime: c.MaxLifetime, MaxConnections: c.MaxConnections, BusyPoll: c.BusyPoll,
		AllowedOrigins: c.AllowedOrigins,
		RateLimit:      ratelimit.Config{PerSecond: c.RateLimit.PerSecond, Burst: c.RateLimit.Burst, MaxViolations: c.RateLimit.MaxViolations},
		Metrics:        m, Logger: l,
	}
	if a.Enabled() {
		o.Authorize = a.Check
		o.Subprotocols = []string{auth.Subprotocol}
	}
	return o
}
