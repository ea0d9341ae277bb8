package config

import (
	"strings"
	"testing"
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
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken configuration")
	}
	for _, want := range []string{
		"listen:", "handlers[1]:", "actions.f.path:", "actions.w.url:", "actions.w.timeout:", "actions.w.retries:",
		"actions.q.kind:", "routes[0]:", `routes[0].actions: action "nope"`, "websocket.ping_interval:",
		"websocket.bare[0].path:", "auth.tokens[0]:", "log.format:",
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
