package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/httpapi"
)

// TestDocumentsCoverEveryRoute builds the gateway with every optional
// route on (tokens, a bare path, webhook admin) and checks that each
// route the HTTP API mounted is in the OpenAPI document with its method,
// or, for WebSocket upgrades, is a channel of the AsyncAPI document.
func TestDocumentsCoverEveryRoute(t *testing.T) {
	cfg := repoConfig(t)
	cfg.Handlers, cfg.DefaultActions = []string{"echo/v1"}, nil
	cfg.Auth.Tokens = []string{"0123456789abcdef0123"}
	cfg.WebSocket.Bare = []config.Bare{{Path: "/tutorial", Type: "echo", Version: 1}}
	cfg.Actions = map[string]config.Action{"hook": {Kind: "webhook", Webhook: config.Webhook{URL: "http://127.0.0.1:9/hook", Timeout: time.Second}}}
	cfg.Routes = []config.Route{{Type: "person", Version: 1, Actions: []string{"hook"}}}
	a := buildApp(t, cfg)
	var oa struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	var aa struct {
		Channels map[string]struct {
			Address string `json:"address"`
		} `json:"channels"`
	}
	docs, _ := a.docs(a.gen.Load())
	if err := json.Unmarshal(docs.OpenAPI, &oa); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(docs.AsyncAPI, &aa); err != nil {
		t.Fatal(err)
	}
	channels := map[string]bool{}
	for _, c := range aa.Channels {
		channels[c.Address] = true
	}
	routes := a.gen.Load().api.(*httpapi.API).Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		for _, p := range a.expand(path) {
			_, inOpenAPI := oa.Paths[p][strings.ToLower(method)]
			if !inOpenAPI && !(method == "GET" && channels[p]) {
				t.Errorf("route %s: %s %s is in neither document", r, method, p)
			}
		}
	}
}

// expand turns a route's wildcards into the paths the documents name:
// {type}/{version} once per loaded schema; other wildcards stay as they are.
func (a *app) expand(path string) []string {
	if !strings.Contains(path, "{type}/{version}") {
		return []string{strings.TrimSuffix(path, "{$}")}
	}
	var out []string
	for _, s := range a.gen.Load().reg.Schemas() {
		out = append(out, strings.Replace(path, "{type}/{version}", fmt.Sprintf("%s/v%d", s.Type, s.Version), 1))
	}
	return out
}
