package gateway

import (
	"fmt"
	"os"
	"path/filepath"
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
	text, err := os.ReadFile(filepath.Join("..", "configs", "schemagate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(uncommentSection(string(text), "nats"))); err != nil {
		t.Fatal(err)
	}
	var doc config.Config
	hook := viper.DecodeHook(mapstructure.StringToTimeDurationHookFunc())
	if err := v.UnmarshalExact(&doc, hook); err != nil {
		t.Fatalf("the documented file does not decode: %v", err)
	}
	want, got := flatConfig(t, config.Default()), flatConfig(t, doc)
	for key, def := range want {
		switch {
		case examples[key]:
		case !v.IsSet(key):
			t.Errorf("%s (default %v) is not documented in configs/schemagate.yaml", key, def)
		case fmt.Sprint(got[key]) != fmt.Sprint(def):
			t.Errorf("%s: the file documents %v, the code's default is %v", key, got[key], def)
		}
	}
}

func flatConfig(t *testing.T, c config.Config) map[string]any {
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

// An outbox webhook's keys are documented in the commented example of
// configs/schemagate.yaml (an outbox needs a webhook, and none is on by
// default): every key of config.DefaultOutbox but the path is there, with
// the value the code falls back to.
func TestShippedConfigDocumentsOutboxDefaults(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "configs", "schemagate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc []string
	inside := false
	for _, l := range strings.Split(string(text), "\n") {
		switch {
		case l == "  #   outbox:":
			inside = true
			doc = append(doc, "outbox:")
		case inside && strings.HasPrefix(l, "  #     ") && !strings.HasPrefix(l, "  #     #"):
			doc = append(doc, "  "+strings.TrimPrefix(l, "  #     "))
		case inside && strings.HasPrefix(l, "  #     #"):
		default:
			inside = false
		}
	}
	if len(doc) < 2 {
		t.Fatal("configs/schemagate.yaml has no commented outbox example (\"  #   outbox:\")")
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(strings.Join(doc, "\n"))); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Outbox config.Outbox `mapstructure:"outbox"`
	}
	hook := viper.DecodeHook(mapstructure.StringToTimeDurationHookFunc())
	if err := v.UnmarshalExact(&got, hook); err != nil {
		t.Fatalf("the documented outbox does not decode: %v", err)
	}
	var want, documented map[string]any
	if err := mapstructure.Decode(config.DefaultOutbox(), &want); err != nil {
		t.Fatal(err)
	}
	if err := mapstructure.Decode(got.Outbox, &documented); err != nil {
		t.Fatal(err)
	}
	for key, def := range want {
		switch {
		case key == "path":
		case !v.IsSet("outbox." + key):
			t.Errorf("outbox.%s (default %v) is not documented in configs/schemagate.yaml", key, def)
		case fmt.Sprint(documented[key]) != fmt.Sprint(def):
			t.Errorf("outbox.%s: the file documents %v, the code's default is %v", key, documented[key], def)
		}
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
