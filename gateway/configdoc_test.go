package gateway

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/testkit"
)

// examples are the keys configs/schemagate.yaml sets to show their use
// rather than to document their default.
var examples = map[string]bool{"handlers": true, "actions": true, "routes": true, "nats.servers": true}

// The shipped configs/schemagate.yaml documents every key with its
// default: each key of config.Default is in the file (the nats section,
// which is off by default, as commented-out lines), with the same value.
func TestShippedConfigDocumentsEveryDefault(t *testing.T) {
	var doc config.Config
	v := decodeDoc(t, uncommentSection(shippedConfig(t), "nats"), &doc)
	compareDefaults(t, v, "", flatConfig(t, config.Default()), flatConfig(t, doc), examples)
}

// An outbox webhook's keys are documented in the commented example of
// configs/schemagate.yaml (an outbox needs a webhook, and none is on by
// default): every key of config.DefaultOutbox but the path is there, with
// the value the code falls back to.
func TestShippedConfigDocumentsOutboxDefaults(t *testing.T) {
	lines := commentedBlock(shippedConfig(t), "  #   outbox:", "  #     ")
	if len(lines) < 1 {
		t.Fatal("configs/schemagate.yaml has no commented outbox example (\"  #   outbox:\")")
	}
	var got struct {
		Outbox config.Outbox `mapstructure:"outbox"`
	}
	v := decodeDoc(t, "outbox:\n  "+strings.Join(lines, "\n  "), &got)
	compareDefaults(t, v, "outbox.", flatConfig(t, config.DefaultOutbox()), flatConfig(t, got.Outbox), map[string]bool{"path": true})
}

// An action's keys with a default are documented, per kind, in the block
// of configs/schemagate.yaml that follows "# A key left out takes its
// kind's default:", with the values config.DefaultAction gives: every key
// with a default is there, and nothing else is.
func TestShippedConfigDocumentsActionDefaults(t *testing.T) {
	lines := commentedBlock(shippedConfig(t), "# A key left out takes its kind's default:", "#   ")
	var got map[string]config.Action
	v := decodeDoc(t, strings.Join(lines, "\n"), &got)
	for _, kind := range config.ActionKinds() {
		want, documented := flatConfig(t, config.DefaultAction(kind)), flatConfig(t, got[kind])
		for key, def := range want {
			if key != "kind" && (def == nil || reflect.ValueOf(def).IsZero()) {
				// No default: the block must not claim one.
				if v.IsSet(kind + "." + key) {
					t.Errorf("%s action %s has no default, but the file documents %v", kind, key, documented[key])
				}
				delete(want, key)
			}
		}
		compareDefaults(t, v, kind+".", want, documented, map[string]bool{"kind": true})
	}
}

// compareDefaults reports each key of want (the code's defaults) that v,
// the documented file, leaves out, and each that got (v decoded) gives
// another value; skip names keys shown as examples, not defaults.
func compareDefaults(t *testing.T, v *viper.Viper, prefix string, want, got map[string]any, skip map[string]bool) {
	t.Helper()
	for key, def := range want {
		switch {
		case skip[key]:
		case !v.IsSet(prefix + key):
			t.Errorf("%s%s (default %v) is not documented in configs/schemagate.yaml", prefix, key, def)
		case fmt.Sprint(got[key]) != fmt.Sprint(def):
			t.Errorf("%s%s: the file documents %v, the code's default is %v", prefix, key, got[key], def)
		}
	}
}

func shippedConfig(t *testing.T) string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "configs", "schemagate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// decodeDoc reads yaml into into as LoadConfig would, and returns the
// viper that read it, which knows which keys the text sets.
func decodeDoc(t *testing.T, yaml string, into any) *viper.Viper {
	t.Helper()
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(yaml)); err != nil {
		t.Fatal(err)
	}
	hook := viper.DecodeHook(mapstructure.StringToTimeDurationHookFunc())
	if err := v.UnmarshalExact(into, hook); err != nil {
		t.Fatalf("the documented configuration does not decode: %v\n%s", err, yaml)
	}
	return v
}

// commentedBlock is the commented-out lines that follow the line header
// and start with prefix, without it; a comment inside the block (prefix
// then "#") is left out.
func commentedBlock(text, header, prefix string) []string {
	var lines []string
	inside := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case l == header:
			inside = true
		case inside && strings.HasPrefix(l, prefix+"#"):
		case inside && strings.HasPrefix(l, prefix):
			lines = append(lines, strings.TrimPrefix(l, prefix))
		default:
			inside = false
		}
	}
	return lines
}

func flatConfig(t *testing.T, c any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := mapstructure.Decode(c, &m); err != nil {
		t.Fatal(err)
	}
	return flatten("", m)
}

// uncommentSection turns "# name:" and the "#   " lines after it into
// YAML, leaving comments inside it ("#   # ...") as comments.
func uncommentSection(text, name string) string {
	lines := strings.Split(text, "\n")
	inside := false
	nested := regexp.MustCompile(`^#   (\S.*)$`)
	for i, l := range lines {
		switch {
		case l == "# "+name+":":
			lines[i], inside = name+":", true
		case inside && nested.MatchString(l):
			if rest := nested.FindStringSubmatch(l)[1]; !strings.HasPrefix(rest, "#") {
				lines[i] = "  " + rest
			}
		case inside && strings.HasPrefix(l, "#     "):
			lines[i] = "  " + strings.TrimPrefix(l, "#   ")
		default:
			inside = inside && strings.HasPrefix(l, "#")
		}
	}
	return strings.Join(lines, "\n")
}

// A loaded action carries its kind's defaults for the keys its YAML leaves
// out, so the sinks get the values in force; a key set to zero is still
// Validate's to refuse.
func TestActionKeysLeftOutTakeTheirDefaults(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	testkit.WriteFile(t, file, []byte("schemas: {dir: "+filepath.Join("..", "schemas")+"}\n"+
		"actions:\n  hook: {kind: webhook, url: \"http://127.0.0.1:9/\"}\n  f: {kind: file, path: "+filepath.Join(dir, "e.ndjson")+"}\n"))
	c, err := LoadConfig(LoadOptions{File: file})
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range c.Actions {
		if want := config.DefaultAction(a.Kind); a.Timeout != want.Timeout || a.Backoff != want.Backoff || a.Sync != want.Sync {
			t.Errorf("action %s loaded as %+v, want the defaults %+v", name, a, want)
		}
	}
	testkit.WriteFile(t, file, []byte("schemas: {dir: "+filepath.Join("..", "schemas")+"}\n"+
		"actions:\n  hook: {kind: webhook, url: \"http://127.0.0.1:9/\", timeout: 0s}\n"))
	if _, err := LoadConfig(LoadOptions{File: file}); err == nil || !strings.Contains(err.Error(), "actions.hook.timeout: must be > 0") {
		t.Fatalf("a webhook with timeout: 0s: %v", err)
	}
}

// Admin tokens come from the environment like producer tokens, comma
// separated, and the check refuses one that is both.
func TestAdminTokensFromEnvironment(t *testing.T) {
	const p, a = "producer-token-0123456789", "admin-token-0123456789"
	file := filepath.Join(t.TempDir(), "c.yaml")
	testkit.WriteFile(t, file, []byte("schemas: {dir: "+filepath.Join("..", "schemas")+"}\n"))
	c, err := LoadConfig(LoadOptions{File: file, Environ: []string{
		"SCHEMAGATE_AUTH_TOKENS=" + p, "SCHEMAGATE_AUTH_ADMIN_TOKENS=" + a + ",another-admin-0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.Auth.Tokens) != "["+p+"]" || fmt.Sprint(c.Auth.AdminTokens) != "["+a+" another-admin-0123456789]" {
		t.Fatalf("auth %+v", c.Auth)
	}
	_, err = LoadConfig(LoadOptions{File: file, Environ: []string{"SCHEMAGATE_AUTH_TOKENS=" + p, "SCHEMAGATE_AUTH_ADMIN_TOKENS=" + p}})
	if err == nil || !strings.Contains(err.Error(), "auth.admin_tokens[0]") {
		t.Fatalf("a token in both lists: %v", err)
	}
}
