package httpapi

import (
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/webguard"
)

// opsPaths stay open to probes and scrapers whatever the auth.
var opsPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// adminPrefix and consolePrefix mark the operators' routes: every route
// under them, now and later, is checked by AuthorizeAdmin instead of
// Authorize. The console shows what producers sent and may send a frame
// itself, so a producer's token does not open it; its sign-in page, which
// holds no data, answers anyone (front).
const (
	adminPrefix   = "/v1/admin/"
	consolePrefix = "/ui/"
)

// authorizer is the check a path needs before its route is looked up: the
// one place that says which token opens what. Nil means none.
func (a *API) authorizer(path string) func(*http.Request) error {
	switch {
	case opsPaths[path] || a.o.WebSocket.upgrades(path):
		// Configured WebSocket paths are fixed strings that name nothing,
		// and their upgrade checks the token as its first step (counted
		// in the upgrade metrics).
		return nil
	case under(path, adminPrefix) || under(path, consolePrefix):
		return a.o.AuthorizeAdmin
	default:
		return a.o.Authorize
	}
}

// under says path is prefix or below it (prefix ends in a slash).
func under(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) || path == strings.TrimSuffix(prefix, "/")
}

// front runs before any route is looked up, so that nothing a client
// names in a path can be learnt by one the server would refuse: the Host
// must be one served (DNS rebinding), a browser must come from an allowed
// Origin and preflight first, and with auth on the token is checked before
// a schema is looked up (a 404 would otherwise tell a stranger which
// schemas exist).
func (a *API) front(w http.ResponseWriter, r *http.Request) {
	if !a.o.Hosts.Allowed(r) {
		a.reject(w, r, telemetry.RejectHost, http.StatusMisdirectedRequest,
			status.New(codes.PermissionDenied, "this server does not answer to that Host"))
		return
	}
	api := strings.HasPrefix(r.URL.Path, "/v1/")
	if api && !webguard.OriginAllowed(r, a.o.AllowedOrigins) {
		a.reject(w, r, telemetry.RejectOrigin, http.StatusForbidden, status.New(codes.PermissionDenied, "origin not allowed"))
		return
	}
	if console(r) && r.Header.Get("Origin") != "" && !webguard.SameOrigin(r) {
		a.reject(w, r, telemetry.RejectOrigin, http.StatusForbidden, status.New(codes.PermissionDenied, "the console answers its own origin only"))
		return
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		a.preflight(w, r, api)
		return
	}
	if authorize := a.authorizer(r.URL.Path); authorize != nil {
		if err := authorize(r); err != nil {
			if a.o.Console != nil && r.Method == http.MethodGet && r.URL.Path == consolePrefix {
				a.o.Console.SignIn(w, r)
				return
			}
			e := unauthenticated(err)
			refuseUnread(w, r, e.HTTPStatus(), e)
			return
		}
	}
	if api && r.Header.Get("Origin") != "" && !webguard.SameOrigin(r) {
		allowCORS(w.Header(), r)
	}
	a.mux.ServeHTTP(w, r)
}

// console says r is for the web console, which answers its own origin
// only: no CORS, and a cross-origin request is refused before anything.
func console(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, consolePrefix) }

// preflight answers a browser's CORS preflight: for the /v1/ API from an
// allowed origin (front has refused the others), and for nothing else.
func (a *API) preflight(w http.ResponseWriter, r *http.Request, api bool) {
	if !api || r.Header.Get("Origin") == "" {
		a.reject(w, r, telemetry.RejectOrigin, http.StatusForbidden, status.New(codes.PermissionDenied, "no cross-origin access here"))
		return
	}
	h := w.Header()
	allowCORS(h, r)
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func allowCORS(h http.Header, r *http.Request) {
	h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	h.Add("Vary", "Origin")
}

// reject refuses a request before its body is read and counts it by
// reason.
func (a *API) reject(w http.ResponseWriter, r *http.Request, reason string, httpStatus int, e *status.Error) {
	a.o.Observer.HTTPRejected(reason)
	refuseUnread(w, r, httpStatus, e)
}

// refuseUnread answers a request whose body is not read, and closes the
// connection after it: otherwise the server would read up to 256 KB of a
// body it refused, from a client that may be sending it slowly.
func refuseUnread(w http.ResponseWriter, r *http.Request, httpStatus int, e *status.Error) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
	status.WriteHTTP(w, httpStatus, e)
}
