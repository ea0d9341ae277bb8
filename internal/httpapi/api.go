// Package httpapi is schemagate's HTTP front door: the HTTP twin of the
// WebSocket contract (single envelopes, batches and bare data), the schema
// catalog, and the operational endpoints. routes.go lists every route;
// handlers are thin adapters over the pipeline and know no schema logic.
package httpapi

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
	"github.com/schemagate/schemagate/internal/webguard"
)

// Options configures the API. Only the limits have defaults; a nil hook
// turns its feature off.
type Options struct {
	// MaxBody bounds a request body in bytes (config.DefaultHTTPMaxBody when 0);
	// larger bodies get 413.
	MaxBody int64
	// MaxBatch bounds the envelopes in one batch (config.DefaultHTTPMaxBatch when 0);
	// more get 413.
	MaxBatch int
	// RequestTimeout bounds the work for one /v1/ request, all envelopes
	// of a batch included (config.DefaultHTTPRequestTimeout when 0, none when < 0).
	// WebSocket upgrades are never bounded by it.
	RequestTimeout time.Duration

	// Authorize, when set, must accept every request (401 otherwise)
	// before its route is looked up. Health, readiness and metrics stay
	// open; the WebSocket paths check their own upgrades.
	Authorize func(r *http.Request) error
	// AuthorizeAdmin, when set, takes Authorize's place for every route
	// under /v1/admin/ (401 or 403 when it refuses): operators' routes
	// take operators' tokens, whoever mounts them.
	AuthorizeAdmin func(r *http.Request) error
	// Hosts are the Host names served; others get 421 (zero value: any).
	Hosts webguard.Hosts
	// AllowedOrigins may call /v1/ besides the server's own origin, by
	// webguard.OriginAllowed (403 otherwise); CORS preflights are answered
	// for them only.
	AllowedOrigins []string
	// MaxInflightRequests and MaxInflightBytes cap the /v1/ requests
	// served at once and the body bytes they hold (a body of unknown
	// length counts as MaxBody); past either, 503 with Retry-After.
	// Zero: no cap.
	MaxInflightRequests int
	MaxInflightBytes    int64
	// Inflight, when set, is the cap to count against instead of one made
	// from MaxInflightRequests and MaxInflightBytes.
	Inflight *Inflight
	// Observer hears refusals and what is in flight (nothing when nil).
	Observer Observer
	// Ready, when set, is asked by /readyz; an error is answered with 503
	// and its text.
	Ready func() error
	// Metrics serves GET /metrics (404 when nil).
	Metrics http.Handler
	// WebSocket are the WebSocket door's handlers, mounted by routes.go.
	WebSocket WebSocketRoutes
	// Webhooks, when set, serves /v1/admin/webhooks.
	Webhooks Webhooks
	// OpenAPI and AsyncAPI are the generated API documents, served as
	// they are at /v1/openapi.json and /v1/asyncapi.json (404 when nil).
	OpenAPI, AsyncAPI []byte
	// Console, when set, serves the web console under /ui/.
	Console *ConsoleRoutes
	// Reload, when set, serves POST /v1/admin/reload: it applies the
	// configuration and schemas on disk and returns the report to send as
	// JSON, and whether they now serve.
	Reload func(ctx context.Context) (report any, applied bool)
}

// Pipeline is what the API asks of the pipeline: a *pipeline.Pipeline, or
// a *pipeline.Current that a reload swaps whole.
type Pipeline interface {
	Envelope(ctx context.Context, frame []byte, received time.Time, dst []byte) pipeline.Outcome
	Bare(ctx context.Context, key event.Key, frame []byte, received time.Time, dst []byte, raw bool) pipeline.Outcome
	Candidates() []pipeline.CandidateReport
}

// ConsoleRoutes are the web console's handlers (internal/console),
// mounted by routes.go under /ui/. They sit behind Authorize like /v1/;
// SignIn answers GET /ui/ when Authorize refuses it.
type ConsoleRoutes struct {
	Page, SignIn                       http.HandlerFunc
	Overview, Rejects, Samples, Stream http.HandlerFunc
	Schemas, Compat, Try, Send         http.HandlerFunc
}

// WebSocketRoutes are the WebSocket door's handlers. They are plain
// http.Handlers, each of which upgrades and checks origin and auth itself,
// so that the two front doors never import each other while routes.go
// still lists every route the server has.
type WebSocketRoutes struct {
	// Paths maps the configured paths to their handlers: the contract's
	// endpoint (websocket.path, "/ws") and the bare routes
	// (websocket.bare). A path is matched exactly, "/" included.
	Paths map[string]http.Handler
	// Bare, when set, gives the handler for a schema key, the WebSocket
	// twin of POSTing bare data: GET /v1/events/{type}/v{version}. It is
	// called once per schema at New.
	Bare func(key event.Key) http.Handler
	// Subscribe, when set, serves GET /v1/subscribe: the NATS fan-out.
	Subscribe http.Handler
}

// API is the HTTP handler of the whole server. Build it with New.
type API struct {
	p        Pipeline
	reg      *validate.Registry
	o        Options
	mux      *http.ServeMux
	catalog  []byte                     // GET /v1/schemas, rendered once
	upgrades map[event.Key]http.Handler // from Options.WebSocket.Bare
	limit    *Inflight
	patterns []string // every route mounted, as "METHOD /path"
}

// Routes lists every route the API serves, as the mux patterns it
// mounted ("POST /v1/events/{type}/{version}"), for documents and tests
// that must cover them all.
func (a *API) Routes() []string { return a.patterns }

// New builds the API over p and the catalog of reg. It fails when a
// WebSocket path is malformed or collides with another route.
func New(p Pipeline, reg *validate.Registry, o Options) (*API, error) {
	if p == nil || reg == nil {
		return nil, errors.New("httpapi: a pipeline and a registry are required")
	}
	o.MaxBody = config.OrDefault(o.MaxBody, config.DefaultHTTPMaxBody)
	o.MaxBatch = config.OrDefault(o.MaxBatch, config.DefaultHTTPMaxBatch)
	o.RequestTimeout = cmp.Or(o.RequestTimeout, config.DefaultHTTPRequestTimeout) // negative: no timeout
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Inflight == nil {
		o.Inflight = NewInflight(o.MaxInflightRequests, o.MaxInflightBytes)
	}
	a := &API{p: p, reg: reg, o: o, mux: http.NewServeMux(), limit: o.Inflight}
	catalog, err := renderCatalog(reg)
	if err != nil {
		return nil, err
	}
	a.catalog = catalog
	if o.WebSocket.Bare != nil {
		a.upgrades = make(map[event.Key]http.Handler, reg.Len())
		for _, s := range reg.Schemas() {
			a.upgrades[s.Key] = o.WebSocket.Bare(s.Key)
		}
	}
	if err := a.routes(); err != nil {
		return nil, err
	}
	return a, nil
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.front(w, r) }
