package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

func TestCheck(t *testing.T) {
	const good = "0123456789abcdef-good"
	c := New([]string{"another-token-0123456789", good})
	cases := []struct {
		name   string
		header map[string]string
		query  string
		ok     bool
	}{
		{"no token", nil, "", false},
		{"authorization header", map[string]string{"Authorization": "Bearer " + good}, "", true},
		{"scheme is case-insensitive", map[string]string{"Authorization": "bearer " + good}, "", true},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, "", false},
		{"basic auth is not bearer", map[string]string{"Authorization": "Basic " + good}, "", false},
		{"subprotocol pair", map[string]string{"Sec-WebSocket-Protocol": "bearer, " + good}, "", true},
		{"subprotocol without token", map[string]string{"Sec-WebSocket-Protocol": "bearer"}, "", false},
		{"query parameter", nil, "?access_token=" + good, true},
		{"a bad header is not rescued by the query", map[string]string{"Authorization": "Bearer bad"}, "?access_token=" + good, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/ws"+tc.query, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			err := c.Check(r)
			if (err == nil) != tc.ok {
				t.Fatalf("Check = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && status.From(err).HTTPStatus() != 401 {
				t.Fatalf("status = %d, want 401", status.From(err).HTTPStatus())
			}
		})
	}
	if err := New(nil).Check(httptest.NewRequest("GET", "/", nil)); err != nil {
		t.Fatalf("auth off must allow: %v", err)
	}
}

func TestCheckBearer(t *testing.T) {
	const good = "0123456789abcdef-good"
	c := New([]string{good})
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"", false}, {"Bearer " + good, true}, {"bearer " + good, true},
		{"Bearer nope", false}, {"Basic " + good, false}, {good, false},
	} {
		if err := c.CheckBearer(tc.value); (err == nil) != tc.ok {
			t.Errorf("CheckBearer(%q) = %v, want ok=%v", tc.value, err, tc.ok)
		}
	}
	if err := New(nil).CheckBearer(""); err != nil {
		t.Fatalf("auth off must allow: %v", err)
	}
}

// The admin check for each way tokens can be configured.
func TestForAdmin(t *testing.T) {
	const p, a = "producer-token-0123456789", "admin-token-0123456789"
	req := func(tok string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/v1/admin/webhooks", nil)
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		return r
	}
	if ForAdmin(New(nil), New(nil)) != nil {
		t.Fatal("auth off: want no check")
	}
	cases := []struct {
		name             string
		admin, producers []string
		token            string
		want             codes.Code
	}{
		{"admin token", []string{a}, []string{p}, a, codes.OK},
		{"producer token", []string{a}, []string{p}, p, codes.PermissionDenied},
		{"no token", []string{a}, []string{p}, "", codes.Unauthenticated},
		{"unknown token", []string{a}, []string{p}, "x", codes.Unauthenticated},
		{"producers only: closed to producers", nil, []string{p}, p, codes.PermissionDenied},
		{"producers only: closed to all", nil, []string{p}, "", codes.Unauthenticated},
		{"admins only", []string{a}, nil, a, codes.OK},
		{"admins only, no token", []string{a}, nil, "", codes.Unauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ForAdmin(New(c.admin), New(c.producers))(req(c.token))
			got := codes.OK
			if err != nil {
				got = status.From(err).Code
			}
			if got != c.want {
				t.Fatalf("code %v (%v), want %v", got, err, c.want)
			}
		})
	}
}
