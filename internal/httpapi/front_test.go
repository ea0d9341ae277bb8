package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/webguard"
)

// A page on another site can neither post events (a no-cors fetch sends
// text/plain with its Origin) nor get a preflight answered; an allowed
// origin can, and reads the answer.
func TestOriginsOnTheAPI(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) { o.AllowedOrigins = []string{"https://app.example"} })
	self := f.srv.URL
	ev := envelope("o", "person", 1, john)
	cases := []struct {
		name, method, path, ctype, body string
		header                          []string
		status                          int
		cors                            string // Access-Control-Allow-Origin wanted
	}{
		{"foreign origin, no-cors post", "POST", "/v1/events", "text/plain", ev, []string{"Origin", "https://evil.example"}, 403, ""},
		{"foreign origin, json post", "POST", "/v1/events", "application/json", ev, []string{"Origin", "https://evil.example"}, 403, ""},
		{"foreign origin, bare post", "POST", "/v1/events/person/v1", "application/json", john, []string{"Origin", "https://evil.example"}, 403, ""},
		{"foreign origin, catalog", "GET", "/v1/schemas", "-", "", []string{"Origin", "https://evil.example"}, 403, ""},
		{"null origin", "POST", "/v1/events", "application/json", ev, []string{"Origin", "null"}, 403, ""},
		{"foreign preflight", "OPTIONS", "/v1/events", "-", "", []string{"Origin", "https://evil.example", "Access-Control-Request-Method", "POST"}, 403, ""},
		{"allowed preflight", "OPTIONS", "/v1/events", "-", "", []string{"Origin", "https://app.example", "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "content-type"}, 204, "https://app.example"},
		{"preflight outside the API", "OPTIONS", "/metrics", "-", "", []string{"Origin", "https://app.example", "Access-Control-Request-Method", "GET"}, 403, ""},
		{"allowed origin posts", "POST", "/v1/events", "application/json", ev, []string{"Origin", "https://app.example"}, 200, "https://app.example"},
		{"same origin posts", "POST", "/v1/events", "application/json", ev, []string{"Origin", self}, 200, ""},
		{"no origin (not a browser)", "POST", "/v1/events", "application/json", ev, nil, 200, ""},
		{"foreign origin, no content type", "POST", "/v1/events", "-", ev, nil, 415, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.request(t, c.method, c.path, c.ctype, c.body, c.header...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != c.cors {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, c.cors)
			}
			if c.status == 204 && !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Content-Type") {
				t.Errorf("preflight allows headers %q", r.header.Get("Access-Control-Allow-Headers"))
			}
			if c.status == 403 {
				checkError(t, r.body, codes.PermissionDenied)
			}
		})
	}
	if !strings.Contains(metricsBody(t, f), `schemagate_http_rejected_total{reason="origin"} 7`) {
		t.Errorf("origin refusals not counted:\n%s", metricsBody(t, f))
	}
}

// A DNS-rebinding page reaches 127.0.0.1 under its own name: a server on
// loopback answers to loopback names only, on every path.
func TestHostsOnLoopback(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.Hosts = webguard.NewHosts(nil, "127.0.0.1")
		o.WebSocket = httpapi.WebSocketRoutes{Paths: map[string]http.Handler{"/ws": marker("ws")}}
	})
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	for _, c := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1" + port, 200}, {"localhost" + port, 200}, {"LOCALHOST", 200}, {"[::1]" + port, 200},
		{"127.0.0.2" + port, 200}, {"app.localhost" + port, 200},
		{"evil.example" + port, 421}, {"evil.example", 421}, {"localhost.evil.example", 421}, {"10.0.0.1" + port, 421},
	} {
		for _, path := range []string{"/v1/schemas", "/ws", "/healthz"} {
			req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
			req.Host = c.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("Host %s %s: %d, want %d", c.host, path, resp.StatusCode, c.status)
			}
		}
	}
	if !strings.Contains(metricsBody(t, f), `schemagate_http_rejected_total{reason="host"} 12`) {
		t.Errorf("host refusals not counted")
	}
}

// held starts a POST whose body is not sent yet, so it stays in flight;
// the returned func sends the rest and the outcome arrives on done.
func held(t *testing.T, f *fixture, length int64) (finish func(), done <-chan int) {
	t.Helper()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.CloseWithError(io.ErrUnexpectedEOF) }) // never leave the server waiting
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/events/echo/v1", pr)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = length
	out := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- -1
			return
		}
		resp.Body.Close()
		out <- resp.StatusCode
	}()
	return func() {
		body := `"` + strings.Repeat("x", int(max(length, 2)-2)) + `"`
		_, _ = io.WriteString(pw, body)
		pw.Close()
	}, out
}

// waitMetric waits until /metrics shows line.
func waitMetric(t *testing.T, f *fixture, line string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(metricsBody(t, f), line) {
		if time.Now().After(deadline) {
			t.Fatalf("metrics never showed %q:\n%s", line, metricsBody(t, f))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func metricsBody(t *testing.T, f *fixture) string {
	return f.request(t, "GET", "/metrics", "-", "").body
}

// Requests held open (slow bodies) cannot take the process's memory:
// past max_inflight, by count or by bytes, a request gets 503 with
// Retry-After at once, and the refusals are counted.
func TestMaxInflight(t *testing.T) {
	for _, c := range []struct {
		name     string
		requests int
		bytes    int64
		held     []int64 // bodies held open
		extra    int64   // the refused request's body
	}{
		{"requests", 2, 1 << 20, []int64{10, 10}, 10},
		{"bytes", 100, 2 * testMaxBody, []int64{testMaxBody, testMaxBody - 100}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(o *httpapi.Options) {
				o.MaxInflightRequests, o.MaxInflightBytes = c.requests, c.bytes
				o.RequestTimeout = -1
			})
			var finishes []func()
			var dones []<-chan int
			var sum int64
			for _, n := range c.held {
				fin, done := held(t, f, n)
				finishes, dones = append(finishes, fin), append(dones, done)
				sum += n
			}
			waitMetric(t, f, fmt.Sprintf("schemagate_http_inflight_requests %d\n", len(c.held)))
			waitMetric(t, f, fmt.Sprintf("schemagate_http_inflight_bytes %d\n", sum))
			r := f.request(t, "POST", "/v1/events/echo/v1", "application/json", `"`+strings.Repeat("y", int(c.extra-2))+`"`)
			if r.status != 503 || r.header.Get("Retry-After") == "" {
				t.Fatalf("over the cap: %d Retry-After %q, want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
			}
			checkError(t, r.body, codes.Unavailable)
			waitMetric(t, f, `schemagate_http_rejected_total{reason="overloaded"} 1`)
			for i, fin := range finishes {
				fin()
				if code := <-dones[i]; code != 200 {
					t.Fatalf("held request %d: %d", i, code)
				}
			}
			waitMetric(t, f, "schemagate_http_inflight_requests 0\n")
			if r := f.request(t, "POST", "/v1/events/echo/v1", "application/json", `1`); r.status != 200 {
				t.Fatalf("after the held requests ended: %d", r.status)
			}
		})
	}
}

// A body that declares more than max_body is refused before it is read
// or holds any of the budget.
func TestDeclaredTooLarge(t *testing.T) {
	f := newFixture(t, nil)
	_, done := held(t, f, testMaxBody+1)
	if code := <-done; code != 413 {
		t.Fatalf("declared %d bytes: %d, want 413", testMaxBody+1, code)
	}
}
