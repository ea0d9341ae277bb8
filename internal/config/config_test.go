package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("the defaults must validate: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Listen = "8080"
	c.Handlers = []string{"person/v1", "Person/1"}
	c.Actions = map[string]Action{
		"f": {Kind: "file"},
		"w": {Kind: "webhook", Webhook: Webhook{URL: "ftp://x", Timeout: 0, Retries: -1}},
		"q": {Kind: "queue"},
	}
	c.Routes = []Route{{Type: "person", Version: 0, Actions: []string{"nope"}}}
	c.WebSocket.PingInterval = 2 * c.WebSocket.PongTimeout
	c.WebSocket.Bare = []Bare{{Path: "/ws", Type: "echo", Version: 1}}
	c.Auth.Tokens = []string{"short"}
	c.Log.Format = "xml"
	c.TLS = ServerTLS{KeyFile: "k.pem", ClientCAFile: "ca.pem"}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken configuration")
	}
	for _, want := range []string{
		"listen:", "handlers[1]:", "actions.f.path:", "actions.w.url:", "actions.w.timeout:", "actions.w.retries:",
		"actions.q.kind:", "routes[0]:", `routes[0].actions: action "nope"`, "websocket.ping_interval:",
		"websocket.bare[0].path:", "auth.tokens[0]:", "log.format:",
		"tls: cert_file and key_file go together", "tls.client_ca_file:", "tls.reload_interval:",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}
	// Sorted, so the same mistakes read the same every time.
	lines := strings.Split(err.Error(), "\n")[1:]
	for i := 1; i < len(lines); i++ {
		if lines[i-1] > lines[i] {
			t.Fatalf("problems not sorted:\n%v", err)
		}
	}
}

func TestOutboxDeliveryChecks(t *testing.T) {
	hook := func(w Webhook) Action {
		w.URL, w.Timeout = "http://x", time.Second
		return Action{Kind: "webhook", Webhook: w}
	}
	c := Default()
	c.Actions = map[string]Action{
		"ok":       hook(Webhook{Delivery: "outbox", Outbox: Outbox{Path: "a.db"}}),
		"sync":     hook(Webhook{Delivery: "sync"}),
		"bad":      hook(Webhook{Delivery: "later"}),
		"nopath":   hook(Webhook{Delivery: "outbox"}),
		"viaNATS":  hook(Webhook{Delivery: "nats", Outbox: Outbox{Schedule: []time.Duration{-time.Second}}}),
		"bad.name": hook(Webhook{Delivery: "nats"}),
		"wrong": hook(Webhook{Delivery: "outbox", Outbox: Outbox{Path: "b.db", Sync: "sometimes", Order: "random",
			Schedule: []time.Duration{0, -time.Second}, MaxBytes: -1}}),
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"actions.bad.delivery:", "actions.nopath.outbox.path: must be set", "actions.wrong.outbox.sync:",
		"actions.wrong.outbox.order:", "actions.wrong.outbox.schedule[1]:", "actions.wrong.outbox: max_bytes",
		"actions.viaNATS.outbox.schedule[0]:", "actions.bad.name: a webhook delivered through NATS needs a name",
		"nats.servers: must be set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "actions.ok") || strings.Contains(err.Error(), "actions.sync") ||
		strings.Contains(err.Error(), "actions.viaNATS.outbox.path") {
		t.Errorf("good webhooks reported:\n%v", err)
	}
}
