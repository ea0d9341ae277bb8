package config

import (
	"strings"
	"testing"
	"time"
)

func TestCheckActionKeys(t *testing.T) {
	for _, c := range []struct {
		name    string
		actions map[string]any
		want    []string // substrings of the error; none means no error
	}{
		{"each kind with its own keys", map[string]any{
			"l": map[string]any{"kind": "log"},
			"f": map[string]any{"kind": "file", "path": "x", "sync": "always", "interval": "1s", "file_mode": "0600"},
			"w": map[string]any{"kind": "webhook", "url": "http://x", "timeout": "1s", "retries": 1, "backoff": "1s",
				"headers": map[string]any{}, "secret": "s", "secrets": []any{}, "delivery": "sync", "outbox": map[string]any{}},
			"n": map[string]any{"kind": "nats"},
		}, nil},
		{"a file with a url", map[string]any{"f": map[string]any{"kind": "file", "path": "x", "url": "http://x"}},
			[]string{"actions.f.url: is not a key of a file action (it has: kind, file_mode, interval, path, sync)"}},
		{"a webhook with a path", map[string]any{"w": map[string]any{"kind": "webhook", "url": "http://x", "path": "p"}},
			[]string{"actions.w.path: is not a key of a webhook action"}},
		{"a log with anything", map[string]any{"l": map[string]any{"kind": "log", "timeout": "1s"}},
			[]string{"actions.l.timeout: is not a key of a log action (it has: kind only)"}},
		{"nats with a url", map[string]any{"n": map[string]any{"kind": "nats", "url": "nats://x"}},
			[]string{"actions.n.url: is not a key of a nats action"}},
		{"an unknown kind is Validate's", map[string]any{"q": map[string]any{"kind": "queue", "url": "x"}}, nil},
		{"every stray key, sorted", map[string]any{"f": map[string]any{"kind": "file", "url": "u", "retries": 2}},
			[]string{"actions.f.retries:", "actions.f.url:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckActionKeys(c.actions)
			if (err != nil) != (len(c.want) > 0) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// An action built in Go with a key of another kind gets from Validate the
// same line the YAML path gives for that key.
func TestValidateRefusesKeysOfAnotherKindAsYAMLDoes(t *testing.T) {
	for _, c := range []struct {
		built Action
		yaml  map[string]any
	}{
		{Action{Kind: "file", File: File{Path: "x", Sync: "never"}, Webhook: Webhook{URL: "http://x"}},
			map[string]any{"kind": "file", "path": "x", "sync": "never", "url": "http://x"}},
		{Action{Kind: "webhook", File: File{Interval: time.Second}, Webhook: Webhook{URL: "http://x", Timeout: time.Second}},
			map[string]any{"kind": "webhook", "url": "http://x", "timeout": "1s", "interval": "1s"}},
		{Action{Kind: "log", File: File{FileMode: "0600"}}, map[string]any{"kind": "log", "file_mode": "0600"}},
	} {
		cfg := Default()
		cfg.Actions = map[string]Action{"a": c.built}
		built := cfg.Validate()
		yaml := CheckActionKeys(map[string]any{"a": c.yaml})
		if built == nil || yaml == nil || built.Error() != yaml.Error() {
			t.Errorf("%s action:\nValidate: %v\nYAML:     %v", c.built.Kind, built, yaml)
		}
	}
}
