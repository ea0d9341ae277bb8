package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/gateway"
	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/gatewaytest"
	"github.com/schemagate/schemagate/gateway/wire"
	"github.com/schemagate/schemagate/internal/events"
)

// start serves g until the test ends and returns its WebSocket and HTTP
// URLs.
func start(t *testing.T, g *gateway.Gateway) (string, string) {
	t.Helper()
	addr := gatewaytest.Start(t, g)
	return "ws://" + addr + "/ws", "http://" + addr
}

func testConfig() gateway.Config {
	cfg := gatewaytest.Config("../schemas")
	cfg.Handlers = []string{"echo/v1"}
	return cfg
}

// A typed handler gets the event's id, key, received time and data; its
// result, its refusal's code and its failure reach the client through
// every door.
func TestEmbeddedTypedHandler(t *testing.T) {
	g := gateway.New(testConfig(), gateway.Options{Stderr: io.Discard})
	gateway.Handle(g, func(_ context.Context, ev gateway.Event[events.PersonV1]) (any, error) {
		switch {
		case ev.Data.City == "Nowhere":
			return nil, wire.Errorf(codes.FailedPrecondition, "%s is not a city", ev.Data.City)
		case ev.Data.City == "Atlantis":
			return nil, errors.New("the map is down")
		case ev.ID == "" || ev.Key != (wire.Key{Type: "person", Version: 1}) || time.Since(ev.Received) > time.Minute:
			return nil, fmt.Errorf("bad event %+v", ev)
		}
		return map[string]any{"greeting": "hello " + ev.Data.Name, "age_next_year": ev.Data.Age + 1}, nil
	})
	wsURL, httpURL := start(t, g)
	for _, url := range []string{wsURL, httpURL} {
		c, err := client.New(url, client.Options{Retries: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		r, err := c.Send(ctx, events.PersonV1{Name: "John", Age: 30, City: "New York"})
		if err != nil || string(r.Result) != `{"age_next_year":31,"greeting":"hello John"}` {
			t.Fatalf("%s: %+v %v", url, r, err)
		}
		var we *wire.Error
		if _, err := c.Send(ctx, events.PersonV1{Name: "John", Age: 30, City: "Nowhere"}); !errors.As(err, &we) ||
			we.Code != codes.FailedPrecondition || we.Message != "Nowhere is not a city" {
			t.Fatalf("%s: refusal %v", url, err)
		}
		if _, err := c.Send(ctx, events.PersonV1{Name: "John", Age: 30, City: "Atlantis"}); !errors.As(err, &we) || we.Code != codes.Unavailable {
			t.Fatalf("%s: failure %v", url, err)
		}
		if r, err := c.SendData(ctx, wire.Key{Type: "echo", Version: 1}, "", []byte(`[1]`)); err != nil || string(r.Result) != "[1]" {
			t.Fatalf("%s: the built-in echo beside it: %+v %v", url, r, err)
		}
	}
}

// A handler for a key the schemas do not have, or a key claimed twice,
// stops the start with every problem named.
func TestEmbeddedHandlerWithoutSchema(t *testing.T) {
	cfg := testConfig()
	cfg.Handlers = []string{"person/v1"}
	g := gateway.New(cfg, gateway.Options{Stderr: io.Discard})
	gateway.Handle(g, func(context.Context, gateway.Event[events.PersonV1]) (any, error) { return nil, nil })
	gateway.Handle(g, func(context.Context, gateway.Event[nowhere]) (any, error) { return nil, nil })
	err := g.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "person v1: registered twice") || !strings.Contains(err.Error(), "handler nowhere v3") {
		t.Fatalf("Run = %v", err)
	}
}

type nowhere struct{}

func (nowhere) EventKey() wire.Key { return wire.Key{Type: "nowhere", Version: 3} }

// The configuration loads with the CLI's rules: a named file that is
// missing is an error, SCHEMAGATE_* variables override.
func TestLoadConfig(t *testing.T) {
	cfg, err := gateway.LoadConfig(gateway.LoadOptions{Environ: []string{"SCHEMAGATE_LISTEN=127.0.0.1:9999"}, Set: map[string]string{"schemas.dir": "x"}})
	if err != nil || cfg.Listen != "127.0.0.1:9999" || cfg.Schemas.Dir != "x" {
		t.Fatalf("LoadConfig = %+v, %v", cfg.Listen, err)
	}
	if _, err := gateway.LoadConfig(gateway.LoadOptions{File: "nope.yaml"}); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}
