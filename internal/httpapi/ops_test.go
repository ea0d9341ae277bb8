package httpapi_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/auth"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
)

func TestHealthz(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.Ready = func() error { return errors.New("nats: not connected") }
	})
	// Alive even when not ready: a restart would not fix a dependency.
	if r := f.request(t, http.MethodGet, "/healthz", "-", ""); r.status != 200 || r.body != "ok\n" {
		t.Fatalf("healthz %d %q", r.status, r.body)
	}
}

func TestReadyz(t *testing.T) {
	var problem atomic.Value // the reason not to be ready, "" for none
	problem.Store("")
	f := newFixture(t, func(o *httpapi.Options) {
		o.Ready = func() error {
			if p := problem.Load().(string); p != "" {
				return errors.New(p)
			}
			return nil
		}
	})
	if r := f.request(t, http.MethodGet, "/readyz", "-", ""); r.status != 200 {
		t.Fatalf("ready: %d %q", r.status, r.body)
	}
	problem.Store("nats: not connected")
	if r := f.request(t, http.MethodGet, "/readyz", "-", ""); r.status != 503 || !strings.Contains(r.body, "nats: not connected") {
		t.Fatalf("not ready: %d %q", r.status, r.body)
	}
	problem.Store("draining")
	if r := f.request(t, http.MethodGet, "/readyz", "-", ""); r.status != 503 || !strings.Contains(r.body, "draining") {
		t.Fatalf("draining: %d %q", r.status, r.body)
	}
	// Draining only stops new traffic from being sent; what arrives is
	// still served.
	if r := f.request(t, http.MethodPost, "/v1/events", "application/json", envelope("a", "person", 1, john)); r.status != 200 {
		t.Fatalf("event while draining: %d %s", r.status, r.body)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	f.request(t, http.MethodPost, "/v1/events", "application/json", envelope("a", "person", 1, john))
	f.request(t, http.MethodPost, "/v1/events", "application/json", envelope("b", "person", 1, badJohn))
	f.request(t, http.MethodPost, "/v1/events", "application/json", envelope("c", "zzz", 1, `{}`))
	f.request(t, http.MethodPost, "/v1/events/flaky/v1", "application/json", `{}`)
	r := f.request(t, http.MethodGet, "/metrics", "-", "")
	if r.status != 200 {
		t.Fatalf("metrics %d", r.status)
	}
	testkit.HasLines(t, r.body,
		`schemagate_frames_total{code="OK",transport="http",type="person",version="1"} 1`,
		`schemagate_frames_total{code="INVALID_ARGUMENT",transport="http",type="person",version="1"} 1`,
		`schemagate_frames_total{code="NOT_FOUND",transport="http",type="unknown",version="unknown"} 1`,
		`schemagate_frames_total{code="UNAVAILABLE",transport="http",type="flaky",version="1"} 1`,
		`schemagate_pipeline_seconds_count{type="person",version="1"} 2`,
	)
	if strings.Contains(r.body, "zzz") {
		t.Error("a client's type became a label")
	}
}

func TestMetricsOffIsNotFound(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) { o.Metrics = nil })
	if r := f.request(t, http.MethodGet, "/metrics", "-", ""); r.status != 404 {
		t.Fatalf("status %d", r.status)
	}
}

func TestAuthorize(t *testing.T) {
	check := func(r *http.Request) error {
		switch r.Header.Get("Authorization") {
		case "Bearer secret":
			return nil
		case "Bearer reader":
			return status.New(codes.PermissionDenied, "this token may only read")
		case "":
			return status.New(codes.Unauthenticated, "a bearer token is required")
		}
		return errors.New("token db says: unknown token 'x'") // never shown
	}
	f := newFixture(t, func(o *httpapi.Options) { o.Authorize = check })
	ev := envelope("a", "person", 1, john)
	cases := []struct {
		name, method, path, body, auth string
		status                         int
	}{
		{"event without token", "POST", "/v1/events", ev, "", 401},
		{"event with token", "POST", "/v1/events", ev, "Bearer secret", 200},
		{"event with wrong token", "POST", "/v1/events", ev, "Bearer x", 401},
		{"event with a reader token", "POST", "/v1/events", ev, "Bearer reader", 403},
		{"bare without token", "POST", "/v1/events/person/v1", john, "", 401},
		// Refused before routing: no 404 tells a stranger which schemas exist.
		{"unknown schema without token", "POST", "/v1/events/nosuchtype/v1", john, "", 401},
		{"malformed key without token", "POST", "/v1/events/Nope/1", john, "", 401},
		{"unknown schema upgrade without token", "GET", "/v1/events/nosuchtype/v1", "", "", 401},
		{"unknown path without token", "GET", "/nowhere", "", "", 401},
		{"unknown schema with token", "POST", "/v1/events/nosuchtype/v1", john, "Bearer secret", 404},
		{"catalog without token", "GET", "/v1/schemas", "", "", 401},
		{"schema without token", "GET", "/v1/schemas/person/v1", "", "", 401},
		{"schema with token", "GET", "/v1/schemas/person/v1", "", "Bearer secret", 200},
		{"healthz stays open", "GET", "/healthz", "", "", 200},
		{"readyz stays open", "GET", "/readyz", "", "", 200},
		{"metrics stay open", "GET", "/metrics", "", "", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.auth != "" {
				hdr = []string{"Authorization", c.auth}
			}
			r := f.request(t, c.method, c.path, "application/json", c.body, hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			switch c.status {
			case 401:
				if r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				checkError(t, r.body, codes.Unauthenticated)
				if strings.Contains(r.body, "token db") {
					t.Errorf("internal error text leaked: %s", r.body)
				}
			case 403:
				checkError(t, r.body, codes.PermissionDenied)
			}
		})
	}
}

// Every route under /v1/admin/, mounted now or later, takes an admin
// token and no other; the producer routes take no admin token.
func TestAuthorizeAdmin(t *testing.T) {
	const producer, admin = "producer-token-0123456789", "admin-token-0123456789"
	producers := auth.New([]string{producer})
	f := newFixture(t, func(o *httpapi.Options) {
		o.Authorize = producers.Check
		o.AuthorizeAdmin = auth.ForAdmin(auth.New([]string{admin}), producers)
	})
	ev := envelope("a", "person", 1, john)
	cases := []struct {
		name, method, path, body, token string
		status                          int
	}{
		{"admin route without token", "GET", "/v1/admin/webhooks", "", "", 401},
		{"admin route with a producer token", "GET", "/v1/admin/webhooks", "", producer, 403},
		{"a later admin route with a producer token", "POST", "/v1/admin/reload", "", producer, 403},
		{"admin route with an admin token", "GET", "/v1/admin/candidates", "", admin, 200},
		{"an unmounted admin path with an admin token", "GET", "/v1/admin/not-yet", "", admin, 404}, // past auth, then no route
		{"an unmounted admin path with a producer token", "GET", "/v1/admin/not-yet", "", producer, 403},
		{"admin route with a wrong token", "GET", "/v1/admin/webhooks", "", "not-a-token-at-all", 401},
		{"event with the admin token", "POST", "/v1/events", ev, admin, 401},
		{"event with the producer token", "POST", "/v1/events", ev, producer, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.token != "" {
				hdr = []string{"Authorization", "Bearer " + c.token}
			}
			if r := f.request(t, c.method, c.path, "application/json", c.body, hdr...); r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
		})
	}
}
