package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// `schemagate webhooks` lists, replays and re-enables through the admin
// API, which takes auth.admin_tokens and refuses producers' tokens.
func TestWebhooksCommand(t *testing.T) {
	hook := testkit.StartHook(t, true)
	const token, producer = "admin-token-0123456789", "producer-token-0123456789"
	cfg := `
schemas: {dir: ` + repoSchemas(t) + `}
auth: {tokens: [` + producer + `], admin_tokens: [` + token + `]}
actions:
  audit:
    kind: webhook
    url: "` + hook.URL + `"
    timeout: 1s
    delivery: outbox
    outbox: {path: ` + filepath.Join(t.TempDir(), "audit.db") + `, schedule: [0s, 20ms]}
  plain: {kind: webhook, url: "` + hook.URL + `", timeout: 1s}
routes:
  - {type: person, version: 1, actions: [audit]}
`
	addr, _, _ := startServe(t, cfg)
	base := "http://" + addr
	c := hDial(t, addr, "/ws", http.Header{"Authorization": {"Bearer " + producer}})
	for _, id := range []string{"a-1", "a-2"} {
		if r := hSend(t, c, personFrame(id)); !r.OK {
			t.Fatalf("%s: %+v", id, r)
		}
	}
	cli := func(args ...string) string {
		t.Helper()
		out, err := runCLI(append([]string{"webhooks"}, append(args, "--url", base, "--token", token)...)...)
		if err != nil {
			t.Fatalf("webhooks %v: %v\n%s", args, err, out)
		}
		return out
	}
	testkit.WaitFor(t, 10*time.Second, "the endpoint disabled by 410", func() bool {
		return strings.Contains(cli(), "disabled (HTTP 410")
	})
	list := cli()
	for _, want := range []string{"NAME", "audit", "outbox", "plain", "sync", "HTTP 410"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if !strings.Contains(lineOf(list, "audit "), "  2  ") {
		t.Errorf("list lacks the backlog of 2:\n%s", list)
	}

	hook.SetGone(false)
	if out := cli("enable", "audit"); !strings.Contains(out, "audit: enabled") {
		t.Fatalf("enable: %s", out)
	}
	testkit.WaitFor(t, 10*time.Second, "both delivered", func() bool { return hook.Count("a-1") == 1 && hook.Count("a-2") == 1 })
	backlog0 := func() bool { return strings.Contains(lineOf(cli(), "audit "), "  0  ") }
	testkit.WaitFor(t, 10*time.Second, "the backlog at 0", backlog0)

	if out := cli("replay", "--endpoint", "audit", "--id", "a-2"); !strings.Contains(out, "1 events queued again") {
		t.Fatalf("replay --id: %s", out)
	}
	testkit.WaitFor(t, 10*time.Second, "a-2 again", func() bool { return hook.Count("a-2") == 2 && backlog0() })
	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	if out := cli("replay", "--endpoint", "audit", "--since", since); !strings.Contains(out, "2 events queued again") {
		t.Fatalf("replay --since: %s", out) // a-1 and a-2, once each though a-2 is in the history twice
	}

	// Errors: the server's own, with their exit codes.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"replay", "--endpoint", "nope", "--url", base, "--token", token}, 2, `NOT_FOUND: no webhook action named "nope"`},
		{[]string{"enable", "plain", "--url", base, "--token", token}, 2, "FAILED_PRECONDITION: webhook \"plain\" has delivery sync"},
		{[]string{"--url", base, "--token", "wrong-token-0123456789"}, 1, "UNAUTHENTICATED"},
		{[]string{"enable", "audit", "--url", base, "--token", producer}, 1, "PERMISSION_DENIED"},
		{[]string{"replay", "--url", base}, 2, "--endpoint is required"},
		{[]string{"replay", "--endpoint", "audit", "--since", "yesterday", "--url", base}, 2, "RFC 3339"},
	} {
		out, err := runCLI(append([]string{"webhooks"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != tc.code {
			t.Errorf("webhooks %v: %v (exit %d), want %q\n%s", tc.args, err, exitCode(err), tc.want, out)
		}
	}
}

// lineOf is the first line of text that starts with prefix.
func lineOf(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
