package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

// marker stands in for a WebSocket handler: it says who got the request
// and whether the request carried a deadline, which a long-lived
// connection must not.
func marker(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, deadline := r.Context().Deadline()
		fmt.Fprintf(w, "%s deadline=%v", name, deadline)
	})
}

func TestWebSocketMounts(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.WebSocket = httpapi.WebSocketRoutes{
			Paths: map[string]http.Handler{"/ws": marker("ws"), "/": marker("root"), "/tutorial/": marker("tutorial")},
			Bare:  func(k event.Key) http.Handler { return marker("bare " + k.String()) },
		}
		o.Authorize = func(r *http.Request) error {
			if r.Header.Get("Authorization") != "Bearer t" {
				return fmt.Errorf("no token")
			}
			return nil
		}
	})
	cases := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/ws", 200, "ws deadline=false"},
		{"GET", "/", 200, "root deadline=false"},
		{"GET", "/tutorial/", 200, "tutorial deadline=false"},
		{"GET", "/tutorial/x", 404, ""},
		{"GET", "/elsewhere", 404, ""},
		{"POST", "/ws", 405, ""},
		{"GET", "/v1/events/person/v1", 200, "bare person v1 deadline=false"},
		{"GET", "/v1/events/nobody/v1", 404, ""},
		{"GET", "/v1/events/person/1", 404, ""},
	}
	// Configured WebSocket paths check the token in their upgrade; every
	// other path is refused before routing, so that a stranger learns
	// nothing of the schemas from 404s.
	for _, path := range []string{"/v1/events/person/v1", "/v1/events/nobody/v1", "/elsewhere"} {
		if r := f.request(t, "GET", path, "-", "", "Upgrade", "websocket", "Connection", "Upgrade"); r.status != 401 {
			t.Errorf("GET %s without a token: %d, want 401", path, r.status)
		}
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			r := f.request(t, c.method, c.path, "-", "", "Upgrade", "websocket", "Connection", "Upgrade", "Authorization", "Bearer t")
			if r.status != c.status || (c.body != "" && r.body != c.body) {
				t.Fatalf("got %d %q, want %d %q", r.status, r.body, c.status, c.body)
			}
			if c.status == 404 && c.path[:4] == "/v1/" {
				checkError(t, r.body, codes.NotFound)
			}
		})
	}
}

func TestBareUpgradeOffMeansPostOnly(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request(t, "GET", "/v1/events/person/v1", "-", "")
	if r.status != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", r.status)
	}
}

func TestBadWebSocketPathsFailNew(t *testing.T) {
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.NewBuilder(reg).Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := marker("x")
	for _, path := range []string{"/healthz", "/v1/schemas", "ws", "/a/{x}", "/a b", ""} {
		t.Run(path, func(t *testing.T) {
			if _, err := httpapi.New(p, reg, httpapi.Options{WebSocket: httpapi.WebSocketRoutes{Paths: map[string]http.Handler{path: h}}}); err == nil {
				t.Fatalf("path %q accepted", path)
			}
		})
	}
	if _, err := httpapi.New(p, reg, httpapi.Options{WebSocket: httpapi.WebSocketRoutes{Paths: map[string]http.Handler{"/ws": nil}}}); err == nil {
		t.Fatal("nil handler accepted")
	}
	if _, err := httpapi.New(nil, reg, httpapi.Options{}); err == nil {
		t.Fatal("nil pipeline accepted")
	}
}

// upgrader is a minimal WebSocket handler: it answers each text frame with
// its name and the frame, enough to prove the connection was handed over
// and can be hijacked through the API's mux.
func upgrader(name string) http.Handler {
	up := websocket.Upgrader{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(websocket.TextMessage, append([]byte(name+": "), msg...)); err != nil {
				return
			}
		}
	})
}

func TestRealWebSocketUpgrades(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.WebSocket = httpapi.WebSocketRoutes{
			Paths: map[string]http.Handler{"/ws": upgrader("ws")},
			Bare:  func(k event.Key) http.Handler { return upgrader(k.String()) },
		}
	})
	base := "ws" + strings.TrimPrefix(f.srv.URL, "http")
	for path, want := range map[string]string{"/ws": "ws: hi", "/v1/events/person/v1": "person v1: hi"} {
		t.Run(path, func(t *testing.T) {
			c, resp, err := websocket.DefaultDialer.Dial(base+path, nil)
			if err != nil {
				t.Fatalf("dial: %v (%v)", err, resp)
			}
			defer c.Close()
			if err := c.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, msg, err := c.ReadMessage()
			if err != nil || string(msg) != want {
				t.Fatalf("got %q, %v; want %q", msg, err, want)
			}
		})
	}
	// An unknown schema is refused before any upgrade.
	_, resp, err := websocket.DefaultDialer.Dial(base+"/v1/events/nobody/v1", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown bare path: %v, %v", err, resp)
	}
}
