package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync/atomic"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/certs"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/console"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/natsbus"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/sdnotify"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/validate"
	"github.com/schemagate/schemagate/internal/webguard"
	"github.com/schemagate/schemagate/internal/ws"
)

// app is the wired gateway: every part built from the configuration, and
// what must be closed when it stops.
type app struct {
	cfg      config.Config
	logger   *slog.Logger
	reg      *validate.Registry
	pipe     *pipeline.Pipeline
	ws       *ws.Server
	grpc     *grpcapi.Server // nil when grpc.listen is empty
	auth     *auth.Checker
	metrics  *telemetry.Metrics
	certs    *certs.Source // nil when TLS is off
	handler  http.Handler
	closers  []func(context.Context) error
	draining atomic.Bool
	// webhooks are the webhook actions, by name, for the admin API.
	webhooks map[string]webhookEndpoint
	// systemd hears READY=1 once the listener is open, STOPPING=1 at drain.
	systemd sdnotify.Notifier
	// bus and hub are NATS, when configured: the nats actions' shared
	// connection and the fan-out to subscribers.
	bus *natsbus.Bus
	hub *natsbus.Hub
	// register adds the embedder's typed handlers.
	register []func(*pipeline.Builder)
	// console is the web console (nil when console.enabled is off), the
	// pipeline's tap; api is the HTTP door it reads in-flight counts from.
	console *console.Console
	api     *httpapi.API
}

// build wires the parts. Every configuration problem it finds (a schema
// that does not compile, a route without a schema) is a startup error with
// exit code 2, returned before any listener opens.
func build(cfg config.Config, logger *slog.Logger, register []func(*pipeline.Builder)) (*app, error) {
	a := &app{cfg: cfg, logger: logger, auth: auth.New(cfg.Auth.Tokens), register: register}
	if t := cfg.TLS; t.Enabled() {
		src, err := certs.New(certs.Files{CertFile: t.CertFile, KeyFile: t.KeyFile, ClientCAFile: t.ClientCAFile})
		if err != nil {
			return nil, ConfigError(err)
		}
		a.certs = src
	}
	reg, err := LoadRegistry(cfg.Schemas)
	if err != nil {
		return nil, err
	}
	a.reg = reg
	if err := gateCompat(cfg.Schemas, reg, logger); err != nil {
		return nil, err
	}
	a.metrics = telemetry.New(reg.Keys())
	if err := a.newConsole(); err != nil {
		return nil, err
	}
	if err := a.connectNATS(); err != nil {
		return nil, err
	}
	if err := a.buildPipeline(); err != nil {
		a.close(context.Background())
		return nil, err
	}
	a.ws = ws.New(a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportWebSocket)), wsOptions(cfg.WebSocket, a.auth, a.metrics, logger))
	h, err := a.routes()
	if err != nil {
		a.close(context.Background())
		return nil, err
	}
	a.handler = h
	if cfg.GRPC.Listen != "" {
		o := grpcOptions(cfg, a.auth, a.ready, a.metrics, logger)
		o.TLS = a.tlsConfig("h2")
		if a.grpc, err = grpcapi.New(a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportGRPC)), a.reg, o); err != nil {
			a.close(context.Background())
			return nil, err
		}
	}
	return a, nil
}

// buildPipeline wires the pipeline from the configuration: the actions,
// the built-in handlers named in handlers, the routes and default actions,
// and the dead letter. A name that matches nothing is a config error.
func (a *app) buildPipeline() error {
	// No observer here: each front door takes the pipeline WithObserver of
	// its own transport, so the frame counters say which door a frame used.
	opts := pipeline.Options{MaxDepth: a.cfg.Schemas.MaxDepth, Logger: a.logger, Rollout: a.metrics.Rollout()}
	if a.console != nil {
		opts.Tap = a.console
	}
	var dead *action.DeadLetter
	if dl := a.cfg.DeadLetter; dl.Path != "" {
		d, err := action.NewDeadLetter(action.DeadLetterConfig{FileConfig: fileConfig(dl.File), MaxBytes: dl.MaxBytes,
			Dropped: a.metrics.DeadLetterDropped})
		if err != nil {
			return ConfigError(fmt.Errorf("dead_letter: %w", err))
		}
		dead, opts.DeadLetter = d, d
	}
	actions, err := a.buildActions(dead)
	// Closed after the actions: outbox senders write to it until they stop.
	if dead != nil {
		a.closers = append(a.closers, dead.Close)
	}
	if err != nil {
		return err
	}
	b := pipeline.NewBuilder(a.reg)
	builtins := events.Builtins(a.logger, a.logData)
	for _, name := range a.cfg.Handlers {
		register, ok := builtins[name]
		if !ok {
			return ConfigError(fmt.Errorf("handlers: %q is not a built-in handler (have %v)", name, events.Names()))
		}
		register(b)
	}
	for _, register := range a.register {
		register(b)
	}
	for _, r := range a.cfg.Routes {
		b.Route(pipeline.Route{Key: event.Key{Type: r.Type, Version: r.Version}, Actions: a.pick(actions, r.Actions, r.Log.Data),
			Candidate: r.Candidate, Shadow: r.Shadow(), LogData: r.Log.Data})
	}
	b.DefaultActions(a.pick(actions, a.cfg.DefaultActions, false)...)
	p, err := b.Build(opts)
	if err != nil {
		return ConfigError(err)
	}
	a.pipe = p
	return nil
}

// buildActions opens every configured action once; routes share them.
// Outbox webhooks record the events they give up on in dead (if not nil).
func (a *app) buildActions(dead *action.DeadLetter) (map[string]action.Action, error) {
	out := map[string]action.Action{}
	for _, name := range slices.Sorted(maps.Keys(a.cfg.Actions)) {
		spec := a.cfg.Actions[name]
		var act action.Action
		switch spec.Kind {
		case "log":
			act = action.NewLog(a.logger, false)
		case "file":
			f, err := action.NewFile(fileConfig(spec.File))
			if err != nil {
				return nil, ConfigError(fmt.Errorf("actions.%s: %w", name, err))
			}
			act = f
		case "webhook":
			w, err := a.buildWebhook(name, spec.Webhook, dead)
			if err != nil {
				return nil, ConfigError(fmt.Errorf("actions.%s: %w", name, err))
			}
			act = w
		case "nats":
			act = a.bus.Publisher()
		}
		out[name] = act
		a.closers = append(a.closers, act.Close)
	}
	return out, nil
}

// fileConfig maps a file sink's configuration onto the action's.
func fileConfig(f config.File) action.FileConfig {
	return action.FileConfig{Path: f.Path, Sync: action.SyncPolicy(f.Sync), Interval: f.Interval, Mode: f.Perm()}
}

// pick resolves a route's action names. A route that asks for its data in
// the log (logData) gets log actions of its own that log it.
func (a *app) pick(all map[string]action.Action, names []string, logData bool) []pipeline.NamedAction {
	out := make([]pipeline.NamedAction, 0, len(names))
	for _, n := range names {
		act := all[n]
		if logData && a.cfg.Actions[n].Kind == "log" {
			act = action.NewLog(a.logger, true)
			a.closers = append(a.closers, act.Close)
		}
		out = append(out, pipeline.NamedAction{Name: n, Action: act})
	}
	return out
}

// logData reports whether the route of k asks for event data in the log.
func (a *app) logData(k event.Key) bool {
	for _, r := range a.cfg.Routes {
		if r.Type == k.Type && r.Version == k.Version {
			return r.Log.Data
		}
	}
	return false
}

// ready is the readiness check: not while draining, nor while NATS
// cannot take a publish.
func (a *app) ready() error {
	if a.draining.Load() {
		return status.New(codes.Unavailable, "draining")
	}
	if a.bus != nil && a.cfg.UsesNATS() { // fan-out alone does not stop events
		return a.bus.Ready()
	}
	return nil
}

// close flushes and releases every action, reporting all failures.
func (a *app) close(ctx context.Context) error {
	var errs []error
	for _, c := range a.closers {
		if err := c(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	a.closers = nil
	if err := a.closeNATS(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// tlsConfig is the one TLS configuration every listener takes (nil when
// TLS is off), offering protos by ALPN: "h2", "http/1.1" for HTTPS and
// WSS, "h2" for gRPC. Certificates rotate under all of them at once.
func (a *app) tlsConfig(protos ...string) *tls.Config {
	if a.certs == nil {
		return nil
	}
	return a.certs.ServerConfig(protos...)
}

// logLoaded says what the server is serving, so an operator sees at once
// whether the right tree and routes were picked up.
func (a *app) logLoaded(addr string) {
	var schemas []string
	for _, s := range a.reg.Schemas() {
		schemas = append(schemas, s.Key.String())
	}
	var bare []string
	for _, b := range a.cfg.WebSocket.Bare {
		bare = append(bare, fmt.Sprintf("%s → %s v%d", b.Path, b.Type, b.Version))
	}
	a.logger.Info("schemas loaded", "dir", a.reg.Dir(), "count", len(schemas), "schemas", schemas)
	a.logger.Info("routes", "handlers", a.cfg.Handlers, "routes", len(a.cfg.Routes),
		"default_actions", a.cfg.DefaultActions, "websocket", a.cfg.WebSocket.Path, "bare", bare)
	a.logRollout()
	a.logger.Info("listening", "addr", addr, "auth", a.auth.Enabled(), "tls", a.certs != nil,
		"client_certificates", a.cfg.TLS.ClientCAFile != "")
}

// logRollout names the routes with a candidate version or in shadow mode,
// if any: an operator should never wonder whether invalid frames are being
// let through.
func (a *app) logRollout() {
	var candidates, shadow []string
	for _, r := range a.cfg.Routes {
		if r.Candidate != 0 {
			candidates = append(candidates, fmt.Sprintf("%s v%d → v%d", r.Type, r.Version, r.Candidate))
		}
		if r.Shadow() {
			shadow = append(shadow, fmt.Sprintf("%s v%d", r.Type, r.Version))
		}
	}
	if len(candidates)+len(shadow) > 0 {
		a.logger.Info("rollout", "candidates", candidates, "shadow", shadow)
	}
}

// routes builds the HTTP API with the WebSocket endpoints mounted in it.
func (a *app) routes() (http.Handler, error) {
	wsRoutes := httpapi.WebSocketRoutes{
		Paths: map[string]http.Handler{a.cfg.WebSocket.Path: a.ws.Handler()},
		Bare:  func(k event.Key) http.Handler { return a.ws.BareHandler(k, false) },
	}
	for _, b := range a.cfg.WebSocket.Bare {
		wsRoutes.Paths[b.Path] = a.ws.BareHandler(event.Key{Type: b.Type, Version: b.Version}, b.Raw)
	}
	if a.hub != nil {
		wsRoutes.Subscribe = a.ws.SubscribeHandler(a.hub, a.cfg.NATS.FanOut.Types)
	}
	o := httpapi.Options{
		MaxBody: a.cfg.HTTP.MaxBody, MaxBatch: a.cfg.HTTP.MaxBatch, RequestTimeout: a.cfg.HTTP.RequestTimeout,
		Ready: a.ready, Metrics: a.metrics.Handler(), WebSocket: wsRoutes,
		Hosts: webguard.NewHosts(a.cfg.HTTP.AllowedHosts, listenHost(a.cfg.Listen)),
		// One origin rule for upgrades and the API.
		AllowedOrigins:      a.cfg.WebSocket.AllowedOrigins,
		MaxInflightRequests: a.cfg.HTTP.MaxInflight.Requests, MaxInflightBytes: a.cfg.HTTP.MaxInflight.Bytes,
		Observer: a.metrics, Console: a.consoleRoutes(),
	}
	if a.auth.Enabled() {
		o.Authorize = a.auth.Check
	}
	o.AuthorizeAdmin = auth.ForAdmin(auth.New(a.cfg.Auth.AdminTokens), a.auth)
	if len(a.webhooks) > 0 {
		o.Webhooks = webhookAdmin{a}
	}
	docs, err := a.docs()
	if err != nil {
		return nil, err
	}
	o.OpenAPI, o.AsyncAPI = docs.OpenAPI, docs.AsyncAPI
	api, err := httpapi.New(a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportHTTP)), a.reg, o)
	if err != nil {
		return nil, ConfigError(err)
	}
	a.api = api
	return api, nil
}
