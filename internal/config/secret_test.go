package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	secretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	secretB = "whsec_QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJD"
	short   = "whsec_c2hvcnQ=" // "short": 5 bytes
)

func TestResolveSecrets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hook.secret")
	if err := os.WriteFile(file, []byte(secretA+"\n"+secretB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOOK_SECRETS": secretB + " " + secretA, "SHORT": short, "EMPTY": " "}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	hook := func(secret string, secrets ...string) Action {
		return Action{Kind: "webhook", Webhook: Webhook{URL: "http://x", Secret: secret, Secrets: secrets}}
	}

	c := Default()
	c.Actions = map[string]Action{
		"env":    hook("env:HOOK_SECRETS"),
		"file":   hook("", "file:"+file),
		"inline": hook(secretA, secretB),
		"none":   hook(""),
	}
	if err := c.ResolveSecrets(lookup); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{
		"env": {secretB, secretA}, "file": {secretA, secretB}, "inline": {secretA, secretB}, "none": nil,
	} {
		if got := c.Actions[name].SigningSecrets; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}

	c.Actions = map[string]Action{
		"a": hook("env:SHORT"),
		"b": hook("", secretA, short),
		"c": hook("env:MISSING"),
		"d": hook("file:" + filepath.Join(dir, "nope")),
		"e": hook("env:EMPTY"),
	}
	err := c.ResolveSecrets(lookup)
	if err == nil {
		t.Fatal("short and missing secrets were accepted")
	}
	for _, want := range []string{
		"actions.a.secret: secret 1 of env:SHORT decodes to 5 bytes", "actions.b.secrets[1]: secret 1 of the value decodes to 5 bytes",
		"actions.c.secret: environment variable MISSING is not set", "actions.d.secret: cannot read the secret file",
		"actions.e.secret: env:EMPTY holds no secret",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), strings.TrimPrefix(short, "whsec_")) {
		t.Errorf("the report quotes a secret:\n%v", err)
	}
}
