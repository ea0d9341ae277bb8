package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// hRequest sends one request to the real server; header holds name,
// value pairs, "Host" included.
func hRequest(t *testing.T, method, url, body string, header ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	code, _ := httpDo(t, req)
	return code
}

// A page the operator visits cannot post into a local gateway, whether it
// posts from its own origin or rebinds its name to 127.0.0.1; nothing it
// sent is stored.
func TestWebPagesCannotInject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.ndjson")
	addr := serveEchoToFile(t, path)
	base := "http://" + addr
	ev := `{"id":"evil","type":"echo","version":1,"data":1}`
	for _, c := range []struct {
		name   string
		path   string
		header []string
		want   int
	}{
		{"no-cors fetch", "/v1/events", []string{"Origin", "https://evil.example", "Content-Type", "text/plain;charset=UTF-8"}, 403},
		{"no Content-Type at all", "/v1/events", []string{"Origin", "https://evil.example"}, 403},
		{"JSON from a foreign origin", "/v1/events", []string{"Origin", "https://evil.example", "Content-Type", "application/json"}, 403},
		{"bare, foreign origin", "/v1/events/echo/v1", []string{"Origin", "https://evil.example", "Content-Type", "application/json"}, 403},
		{"rebound name, same origin", "/v1/events", []string{"Host", "evil.example:8080", "Origin", "http://evil.example:8080", "Content-Type", "application/json"}, 421},
		{"rebound name, no origin", "/v1/events", []string{"Host", "evil.example", "Content-Type", "application/json"}, 421},
		{"not JSON, no origin", "/v1/events", nil, 415},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := hRequest(t, "POST", base+c.path, ev, c.header...); got != c.want {
				t.Fatalf("status %d, want %d", got, c.want)
			}
		})
	}
	if got := hRequest(t, "OPTIONS", base+"/v1/events", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"); got != 403 {
		t.Errorf("a foreign preflight got %d, want 403", got)
	}
	// The rebound name cannot open a socket either.
	_, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", http.Header{"Host": {"evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != 421 {
		t.Errorf("upgrade under a rebound name: %v %v, want 421", resp, err)
	}
	if b, _ := os.ReadFile(path); len(b) > 0 {
		t.Fatalf("events from a foreign page were stored: %s", b)
	}
	// The gateway's own clients are served.
	if got := hRequest(t, "POST", base+"/v1/events", `{"id":"ok","type":"echo","version":1,"data":1}`, "Content-Type", "application/json"); got != 200 {
		t.Fatalf("a plain client got %d", got)
	}
}

// With auth on, a stranger learns nothing about which schemas exist: every
// path is refused alike before it is routed.
func TestNoSchemaOracleWithoutToken(t *testing.T) {
	const token = "0123456789abcdef-oracle"
	cfg := "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1, person/v1]\nauth: {tokens: [" + token + "]}\n"
	addr, _, _ := startServe(t, cfg)
	base := "http://" + addr
	for _, p := range []string{"/v1/events/person/v1", "/v1/events/nosuchtype/v1", "/v1/events/Bad/1", "/v1/schemas/nosuchtype/v1"} {
		if got := hRequest(t, "POST", base+p, `{}`, "Content-Type", "application/json"); got != 401 {
			t.Errorf("POST %s without a token: %d, want 401", p, got)
		}
	}
	for _, p := range []string{"/v1/events/person/v1", "/v1/events/nosuchtype/v1", "/v1/schemas/nosuchtype/v1"} {
		_, resp, _ := websocket.DefaultDialer.Dial("ws://"+addr+p, nil)
		if resp == nil || resp.StatusCode != 401 {
			t.Errorf("upgrade %s without a token: %v, want 401", p, resp)
		}
	}
	if got := hRequest(t, "POST", base+"/v1/events/nosuchtype/v1", `{}`, "Content-Type", "application/json", "Authorization", "Bearer "+token); got != 404 {
		t.Errorf("with the token, an unknown schema is %d, want 404", got)
	}
}
