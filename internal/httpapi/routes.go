package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// routes mounts every endpoint the server has, WebSocket ones included. It
// is the one place to read the API: each line is a method, a path and the
// adapter that serves it. (gRPC listens on its own port; its methods are
// the proto's.)
func (a *API) routes() error {
	m := mounter{mux: a.mux}
	defer func() { a.patterns = m.patterns }()

	// Events: the HTTP twin of the WebSocket contract.
	m.handle("POST /v1/events", a.guarded(a.postEvents))                // an envelope, or an array of them
	m.handle("POST /v1/events/{type}/{version}", a.guarded(a.postBare)) // bare data for v<N> of type

	// Catalog: the schemas this server validates against.
	m.handle("GET /v1/schemas", a.guarded(a.listSchemas))
	m.handle("GET /v1/schemas/{type}/{version}", a.guarded(a.getSchema))

	// Admin: the live comparison of routes with a candidate version.
	m.handle("GET /v1/admin/candidates", a.guarded(a.listCandidates))

	// Admin: webhook endpoints, their backlog, replay and re-enabling.
	if a.o.Webhooks != nil {
		m.handle("GET /v1/admin/webhooks", a.guarded(a.listWebhooks))
		m.handle("POST /v1/admin/webhooks/{name}/replay", a.guarded(a.replayWebhook)) // ?since=RFC3339&id=ID
		m.handle("POST /v1/admin/webhooks/{name}/enable", a.guarded(a.enableWebhook))
	}

	// API documents, generated from the registry at startup (404 when the
	// server was built without them).
	m.handle("GET /v1/openapi.json", a.guarded(document(a.o.OpenAPI)))   // OpenAPI 3.1: the HTTP API
	m.handle("GET /v1/asyncapi.json", a.guarded(document(a.o.AsyncAPI))) // AsyncAPI 3.0: the WebSocket endpoints

	// Console: the web UI and the data it reads, behind the token like
	// /v1/ (GET /ui/ without one answers 401 with the page, which asks
	// for it). Send is refused unless console.allow_send.
	if c := a.o.Console; c != nil {
		m.handle("GET /ui/{$}", c.Page)
		m.handle("GET /ui/api/overview", c.Overview)
		m.handle("GET /ui/api/stream", c.Stream) // server-sent events: overview, rejects; ?tail=1 adds the tail
		m.handle("GET /ui/api/rejects", c.Rejects)
		m.handle("GET /ui/api/rejects/{id}", c.Samples)
		m.handle("GET /ui/api/schemas", c.Schemas)
		m.handle("GET /ui/api/compat", c.Compat)
		// Try and send read a body and run the validator (send, the
		// pipeline): the /v1/ POST routes' in-flight cap, body limit and
		// request timeout apply.
		m.handle("POST /ui/api/try", a.guarded(c.Try))
		m.handle("POST /ui/api/send", a.guarded(c.Send))
	}

	// Administration: behind Authorize, like the API.
	if a.o.Reload != nil {
		m.handle("POST /v1/admin/reload", a.guarded(a.reload)) // re-read the configuration and schemas
	}

	// Operations: open to probes and scrapers, never behind Authorize.
	m.handle("GET /healthz", http.HandlerFunc(healthz))
	m.handle("GET /readyz", http.HandlerFunc(a.readyz))
	m.handle("GET /metrics", orNotFound(a.o.Metrics))

	// WebSocket endpoints (internal/ws): their handlers upgrade, and check
	// origin and auth themselves.
	ws := a.o.WebSocket
	for _, path := range sortedPaths(ws.Paths) {
		m.websocket(path, ws.Paths[path]) // websocket.path ("/ws"): envelopes; websocket.bare: a schema's data
	}
	if a.upgrades != nil {
		m.handle("GET /v1/events/{type}/{version}", http.HandlerFunc(a.upgradeBare)) // bare data, the twin of the POST
	}
	if ws.Subscribe != nil {
		m.handle("GET "+subscribePath, ws.Subscribe) // ?types=…: the NATS fan-out's stored events
	}
	return m.err
}

// subscribePath is the NATS fan-out's WebSocket endpoint.
const subscribePath = "/v1/subscribe"

// upgrades says path is one of the WebSocket door's fixed paths, whose
// handlers check auth in their upgrade (counted in its metrics).
func (w WebSocketRoutes) upgrades(path string) bool {
	return w.Paths[path] != nil || (w.Subscribe != nil && path == subscribePath)
}

// mounter registers patterns and turns the mux's panics (a conflicting or
// malformed pattern, which only configured WebSocket paths can cause) into
// the first error, so a bad config fails the start with a message.
type mounter struct {
	mux      *http.ServeMux
	err      error
	patterns []string
}

func (m *mounter) handle(pattern string, h http.Handler) {
	if m.err != nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			m.err = fmt.Errorf("httpapi: route %q: %v", pattern, r)
		}
	}()
	m.mux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// websocket mounts a configured path so that it matches itself only: a
// trailing slash would otherwise make "/" swallow every unknown path, and
// braces would make a wildcard of what the config meant literally.
func (m *mounter) websocket(path string, h http.Handler) {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "{} \t") {
		if m.err == nil {
			m.err = fmt.Errorf("httpapi: websocket path %q: want a plain path starting with /", path)
		}
		return
	}
	if strings.HasSuffix(path, "/") {
		path += "{$}"
	}
	m.handle("GET "+path, h)
}

func sortedPaths(hs map[string]http.Handler) []string {
	paths := make([]string, 0, len(hs))
	for p := range hs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

func orNotFound(h http.Handler) http.Handler {
	if h == nil {
		return http.NotFoundHandler()
	}
	return h
}
