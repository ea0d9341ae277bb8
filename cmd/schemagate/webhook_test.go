package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// Webhook secrets come from the command's environment or a file, and a
// secret shorter than the spec's minimum stops the start with exit code 2
// and a report that names the key but never the secret.
func TestWebhookSecretsFromEnvironment(t *testing.T) {
	const good = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	const weak = "whsec_d2Vhaw==" // "weak"
	dir := t.TempDir()
	path := filepath.Join(dir, "hook.yaml")
	load := func(secret string, environ ...string) ([]string, error) {
		yaml := "schemas: {dir: " + repoSchemas(t) + "}\nactions:\n  hook: {kind: webhook, url: http://127.0.0.1:9/x, timeout: 1s, secret: " + secret + "}\n"
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		configFlags(fs)
		_ = fs.Set("config", path)
		cfg, err := loadConfig(fs, environ)
		return cfg.Actions["hook"].SigningSecrets, err
	}
	got, err := load("env:HOOK_SECRET", "HOOK_SECRET="+good)
	if err != nil || !reflect.DeepEqual(got, []string{good}) {
		t.Fatalf("%v %v", got, err)
	}
	_, err = load("env:HOOK_SECRET", "HOOK_SECRET="+weak)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "actions.hook.secret: secret 1 of env:HOOK_SECRET decodes to 4 bytes") {
		t.Fatalf("weak secret: %v (exit %d)", err, exitCode(err))
	}
	if strings.Contains(err.Error(), "d2Vhaw") {
		t.Errorf("the report quotes the secret: %v", err)
	}
}
