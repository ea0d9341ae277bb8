package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/wire"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
	"github.com/schemagate/schemagate/internal/ws"
)

// gateway is a real pipeline behind the WebSocket and HTTP doors on a real
// socket: echo echoes, person v1 is typed, flaky v1 fails with
// UNAVAILABLE until it has seen an id fails times.
type gateway struct {
	*httptest.Server
	mu    sync.Mutex
	seen  map[string]int
	fails int
}

func newGateway(t *testing.T, fails int) *gateway {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "../../internal/httpapi/testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{seen: map[string]int{}, fails: fails}
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1}, events.Echo)
	pipeline.Register(b, event.Key{Type: "person", Version: 1}, func(_ context.Context, ev pipeline.Event[events.PersonV1]) ([]byte, error) {
		return json.Marshal(fmt.Sprintf("%s, %d, %s", ev.Data.Name, ev.Data.Age, ev.Data.City))
	})
	pipeline.Register(b, event.Key{Type: "flaky", Version: 1}, func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.seen[ev.ID]++
		if g.seen[ev.ID] <= g.fails {
			return nil, status.New(codes.Unavailable, "not yet")
		}
		return nil, nil
	})
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := ws.New(p, ws.Options{ReadLimit: 1 << 20, SendQueueBytes: 4 << 20, MaxInflightBytes: 64 << 20, WriteTimeout: 5 * time.Second, PongTimeout: time.Minute,
		PingInterval: 30 * time.Second, HandshakeTimeout: 5 * time.Second, MaxConnections: 100})
	api, err := httpapi.New(p, reg, httpapi.Options{MaxBody: 1 << 20, MaxBatch: 10, RequestTimeout: 5 * time.Second,
		WebSocket: httpapi.WebSocketRoutes{Paths: map[string]http.Handler{"/ws": w.Handler()}}})
	if err != nil {
		t.Fatal(err)
	}
	g.Server = httptest.NewServer(api)
	t.Cleanup(g.Close)
	return g
}

func (g *gateway) urls() map[string]string {
	return map[string]string{"ws": "ws" + strings.TrimPrefix(g.URL, "http") + "/ws", "http": g.URL}
}

func TestSendOverBothDoors(t *testing.T) {
	g := newGateway(t, 0)
	for door, url := range g.urls() {
		t.Run(door, func(t *testing.T) {
			c, err := client.New(url, client.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			r, err := c.Send(ctx, events.PersonV1{Name: "John", Age: 30, City: "New York"})
			if err != nil || r.ID == "" {
				t.Fatalf("Send: %+v %v", r, err)
			}
			var line string
			if err := r.Decode(&line); err != nil || line != "John, 30, New York" {
				t.Fatalf("typed reply %q %v", line, err)
			}
			data := json.RawMessage(`{"n":123456789012345678901234567890}`)
			r, err = c.SendData(ctx, wire.Key{Type: "echo", Version: 1}, "my-id", data)
			if err != nil || r.ID != "my-id" || string(r.Result) != string(data) {
				t.Fatalf("echo: %+v %v", r, err)
			}
			_, err = c.Send(ctx, events.PersonV1{Name: "John", Age: -1, City: "New York"})
			var we *wire.Error
			if !errors.As(err, &we) || we.Code != codes.InvalidArgument || len(we.Details) == 0 ||
				we.Details[0].KeywordLocation != "/properties/age/minimum" {
				t.Fatalf("invalid person: %#v", err)
			}
		})
	}
}

// Many goroutines share one WebSocket; each gets the reply to its own
// event.
func TestPipelining(t *testing.T) {
	g := newGateway(t, 0)
	c, err := client.New(g.urls()["ws"], client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := json.RawMessage(fmt.Sprintf(`[%d]`, i))
			r, err := c.SendData(context.Background(), wire.Key{Type: "echo", Version: 1}, "", data)
			if err != nil || string(r.Result) != string(data) {
				errs <- fmt.Errorf("event %d: %v %v", i, r, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// UNAVAILABLE is resent with the same id until it passes or the retries
// run out; a lost connection is dialed again.
func TestResendOnUnavailable(t *testing.T) {
	g := newGateway(t, 2)
	for door, url := range g.urls() {
		t.Run(door, func(t *testing.T) {
			ctx := context.Background()
			c, _ := client.New(url, client.Options{Backoff: time.Millisecond})
			defer c.Close()
			if _, err := c.SendData(ctx, wire.Key{Type: "flaky", Version: 1}, door+"-a", json.RawMessage(`{}`)); err != nil {
				t.Fatalf("after two UNAVAILABLE: %v", err)
			}
			g.mu.Lock()
			n := g.seen[door+"-a"]
			g.mu.Unlock()
			if n != 3 {
				t.Fatalf("the handler saw the id %d times, want 3", n)
			}
			once, _ := client.New(url, client.Options{Retries: -1})
			defer once.Close()
			_, err := once.SendData(ctx, wire.Key{Type: "flaky", Version: 1}, door+"-b", json.RawMessage(`{}`))
			var we *wire.Error
			if !errors.As(err, &we) || we.Code != codes.Unavailable {
				t.Fatalf("without retries: %v", err)
			}
			g.CloseClientConnections()
			if _, err := c.SendData(ctx, wire.Key{Type: "echo", Version: 1}, "", json.RawMessage(`1`)); err != nil {
				t.Fatalf("after the connection was closed: %v", err)
			}
		})
	}
}
