package main

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/testkit"
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
		testkit.WriteFile(t, path, []byte(yaml))
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

// An outbox webhook acknowledges while its receiver is down, delivers
// everything once it is back, and says so in the metrics.
func TestOutboxWebhookAcksWhileReceiverIsDown(t *testing.T) {
	recv := &webhookReceiver{got: map[string]bool{}, block: make(chan struct{}), mode: "down"}
	hook := httptest.NewServer(recv)
	defer hook.Close()
	cfg := `
schemas: {dir: ` + repoSchemas(t) + `}
actions:
  hook:
    kind: webhook
    url: "` + hook.URL + `/events"
    timeout: 1s
    delivery: outbox
    outbox: {path: ` + filepath.Join(t.TempDir(), "hook.db") + `, schedule: [0s` + strings.Repeat(", 50ms", 100) + `]}
routes:
  - {type: person, version: 1, actions: [hook]}
`
	addr, _, _ := startServe(t, cfg)
	c := hDial(t, addr, "/ws", nil)
	for i := range 20 {
		id := fmt.Sprintf("o-%d", i)
		if r := hSend(t, c, personFrame(id)); !r.OK {
			t.Fatalf("%s: %+v while the receiver is down; want an ack", id, r)
		}
	}
	// The acks come from the log; the gauge follows once the ingester has
	// moved them, so wait for it rather than read it at once.
	testkit.WaitFor(t, 10*time.Second, "the backlog gauge at 20 while the receiver is down", func() bool {
		return strings.Contains(metricsText(t, addr), `schemagate_webhook_backlog{endpoint="hook"} 20`)
	})
	recv.set("up")
	testkit.WaitFor(t, 20*time.Second, "every acked event delivered", func() bool {
		recv.mu.Lock()
		defer recv.mu.Unlock()
		return len(recv.got) == 20
	})
	testkit.WaitFor(t, 10*time.Second, "the backlog gauge at 0", func() bool {
		return strings.Contains(metricsText(t, addr), `schemagate_webhook_backlog{endpoint="hook"} 0`)
	})
	m := metricsText(t, addr)
	for _, want := range []string{`schemagate_webhook_attempts_total{endpoint="hook",outcome="delivered"} 20`,
		`schemagate_webhook_attempts_total{endpoint="hook",outcome="http_error"}`, `schemagate_webhook_delivery_seconds_count{endpoint="hook"} 20`,
		`schemagate_webhook_oldest_undelivered_seconds{endpoint="hook"} 0`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(m, "schemagate_webhook"))
		}
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
