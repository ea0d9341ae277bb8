package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/certs"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/console"
	"github.com/schemagate/schemagate/internal/event"
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
// what must be closed when it stops. What a reload replaces (schemas,
// handlers, routes, actions, the dead letter, the HTTP API's routes and
// limits) is a generation, built and checked whole and then swapped in
// whole; the rest lives as long as the process, built from the
// configuration it started with (cfg).
type app struct {
	cfg    config.Config
	logger *slog.Logger
	// gen is the generation in force. pipe judges every frame by its
	// pipeline and is what the doors hold (each through a view of its
	// own transport); httpPipe is the HTTP API's view.
	gen      atomic.Pointer[generation]
	pipe     *pipeline.Current
	httpPipe *pipeline.Current
	reloads  reloads
	ws       *ws.Server
	grpc     *grpcapi.Server // nil when grpc.listen is empty
	auth     *auth.Checker
	// authAdmin checks the operators' routes under /v1/admin/ (nil: auth off).
	authAdmin func(*http.Request) error
	metrics   *telemetry.Metrics
	certs     *certs.Source // nil when TLS is off
	// handler serves HTTP through the API of the generation in force;
	// inflight is the cap every generation's API counts against.
	handler  http.Handler
	inflight *httpapi.Inflight
	draining atomic.Bool
	// systemd hears READY=1 once the listener is open, STOPPING=1 at drain.
	systemd sdnotify.Notifier
	// bus and hub are NATS, when configured: the nats actions' shared
	// connection and the fan-out to subscribers.
	bus *natsbus.Bus
	hub *natsbus.Hub
	// register adds the embedder's typed handlers, to every generation.
	register []func(*pipeline.Builder)
	// console is the web console (nil when console.enabled is off), the
	// pipeline's tap; lastReload is the last reload's report, for it.
	console    *console.Console
	lastReload atomic.Pointer[ReloadReport]
}

// build wires the parts. Every configuration problem it finds (a schema
// that does not compile, a route without a schema) is a startup error with
// exit code 2, returned before any listener opens.
func build(cfg config.Config, logger *slog.Logger, register []func(*pipeline.Builder)) (*app, error) {
	a := &app{cfg: cfg, logger: logger, auth: auth.New(cfg.Auth.Tokens), register: register,
		inflight: httpapi.NewInflight(cfg.HTTP.MaxInflight.Requests, cfg.HTTP.MaxInflight.Bytes)}
	a.authAdmin = auth.ForAdmin(auth.New(cfg.Auth.AdminTokens), a.auth)
	if t := cfg.TLS; t.Enabled() {
		src, err := certs.New(certs.Files{CertFile: t.CertFile, KeyFile: t.KeyFile, ClientCAFile: t.ClientCAFile})
		if err != nil {
			return nil, ConfigError(err)
		}
		a.certs = src
	}
	reg, err := loadSchemas(cfg.Schemas, logger)
	if err != nil {
		return nil, err
	}
	a.metrics = telemetry.New(reg.Keys())
	if err := a.newConsole(); err != nil {
		return nil, err
	}
	if err := a.connectNATS(); err != nil {
		return nil, err
	}
	if err := a.wire(cfg, reg); err != nil {
		a.close(context.Background())
		return nil, err
	}
	return a, nil
}

// wire builds the first generation and the doors over it.
func (a *app) wire(cfg config.Config, reg *validate.Registry) error {
	g, err := a.assemble(cfg, reg, nil)
	if err != nil {
		return err
	}
	a.pipe = pipeline.NewCurrent(g.pipe)
	a.gen.Store(g)
	// Each door judges through its own view, so the frame counters say
	// which door a frame came by; a swap reaches all of them at once.
	a.httpPipe = a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportHTTP))
	a.ws = ws.New(a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportWebSocket)), wsOptions(cfg.WebSocket, a.auth, a.metrics, a.logger))
	if g.api, err = a.routes(g); err != nil {
		return err
	}
	a.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.gen.Load().api.ServeHTTP(w, r) })
	if cfg.GRPC.Listen != "" {
		o := grpcOptions(cfg, a.auth, a.ready, a.metrics, a.logger)
		o.TLS = a.tlsConfig("h2")
		if a.grpc, err = grpcapi.New(a.pipe.WithObserver(a.metrics.Transport(telemetry.TransportGRPC)), catalog{a}, o); err != nil {
			return err
		}
	}
	return nil
}

// loadSchemas loads the tree and holds it to its compatibility mode.
func loadSchemas(c config.Schemas, logger *slog.Logger) (*validate.Registry, error) {
	reg, err := LoadRegistry(c)
	if err != nil {
		return nil, err
	}
	if err := gateCompat(c, reg, logger); err != nil {
		return nil, err
	}
	return reg, nil
}

// catalog is the registry in force, for the gRPC door's catalog rpcs.
type catalog struct{ a *app }

func (c catalog) Len() int                    { return c.a.gen.Load().reg.Len() }
func (c catalog) Schemas() []*validate.Schema { return c.a.gen.Load().reg.Schemas() }
func (c catalog) Lookup(k event.Key) (*validate.Schema, bool) {
	return c.a.gen.Load().reg.Lookup(k)
}

// ready is the readiness check: not while draining, nor while NATS
// cannot take a publish.
func (a *app) ready() error {
	if a.draining.Load() {
		return status.New(codes.Unavailable, "draining")
	}
	if g := a.gen.Load(); a.bus != nil && g != nil && g.cfg.UsesNATS() { // fan-out alone does not stop events
		return a.bus.Ready()
	}
	return nil
}

// close flushes and releases every action of the generation in force,
// then NATS, reporting all failures. A reload under way finishes first,
// and none starts after.
func (a *app) close(ctx context.Context) error {
	a.reloads.mu.Lock()
	defer a.reloads.mu.Unlock()
	var errs []error
	if g := a.gen.Load(); g != nil && !a.reloads.closed {
		errs = append(errs, g.release(ctx, nil))
	}
	a.reloads.closed = true
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
	g := a.gen.Load()
	var bare []string
	for _, b := range g.cfg.WebSocket.Bare {
		bare = append(bare, fmt.Sprintf("%s → %s v%d", b.Path, b.Type, b.Version))
	}
	schemas := schemaNames(g.reg)
	a.logger.Info("schemas loaded", "dir", g.reg.Dir(), "count", len(schemas), "schemas", schemas)
	a.logger.Info("routes", "handlers", g.cfg.Handlers, "routes", len(g.cfg.Routes),
		"default_actions", g.cfg.DefaultActions, "websocket", g.cfg.WebSocket.Path, "bare", bare)
	a.logRollout(g.cfg.Routes)
	a.logger.Info("listening", "addr", addr, "auth", a.auth.Enabled(), "tls", a.certs != nil,
		"client_certificates", a.cfg.TLS.ClientCAFile != "")
}

// logRollout names the routes with a candidate version or in shadow mode,
// if any, at the start and after each reload: an operator should never
// wonder whether invalid frames are being let through.
func (a *app) logRollout(routes []config.Route) {
	var candidates, shadow []string
	for _, r := range routes {
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

// schemaNames are the keys of reg's schemas as the log and a reload's
// report name them ("person v1").
func schemaNames(reg *validate.Registry) []string {
	var out []string
	for _, s := range reg.Schemas() {
		out = append(out, s.Key.String())
	}
	return out
}

// routes builds a generation's HTTP API, with the WebSocket endpoints
// mounted in it. Frames go through a.httpPipe, so a request that started
// on one generation's routes is still judged by one pipeline whole.
func (a *app) routes(g *generation) (http.Handler, error) {
	wsRoutes := httpapi.WebSocketRoutes{
		Paths: map[string]http.Handler{g.cfg.WebSocket.Path: a.ws.Handler()},
		Bare:  func(k event.Key) http.Handler { return a.ws.BareHandler(k, false) },
	}
	for _, b := range g.cfg.WebSocket.Bare {
		wsRoutes.Paths[b.Path] = a.ws.BareHandler(event.Key{Type: b.Type, Version: b.Version}, b.Raw)
	}
	if a.hub != nil {
		wsRoutes.Subscribe = a.ws.SubscribeHandler(a.hub, a.cfg.NATS.FanOut.Types)
	}
	o := httpapi.Options{
		MaxBody: g.cfg.HTTP.MaxBody, MaxBatch: g.cfg.HTTP.MaxBatch, RequestTimeout: g.cfg.HTTP.RequestTimeout,
		Ready: a.ready, Metrics: a.metrics.Handler(), WebSocket: wsRoutes,
		Hosts: webguard.NewHosts(a.cfg.HTTP.AllowedHosts, listenHost(a.cfg.Listen)),
		// One origin rule for upgrades and the API.
		AllowedOrigins: a.cfg.WebSocket.AllowedOrigins,
		Inflight:       a.inflight,
		Observer:       a.metrics, Console: a.consoleRoutes(),
		Reload: a.reloadHTTP,
	}
	if a.auth.Enabled() {
		o.Authorize = a.auth.Check
	}
	o.AuthorizeAdmin = a.authAdmin
	if len(g.webhooks) > 0 {
		o.Webhooks = webhookAdmin{a}
	}
	docs, err := a.docs(g)
	if err != nil {
		return nil, err
	}
	o.OpenAPI, o.AsyncAPI = docs.OpenAPI, docs.AsyncAPI
	api, err := httpapi.New(a.httpPipe, g.reg, o)
	if err != nil {
		return nil, ConfigError(err)
	}
	return api, nil
}
