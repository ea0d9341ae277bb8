package main

import (
	"strings"
	"testing"
)

func TestSchemasCommands(t *testing.T) {
	cfg := "../../configs/schemagate.yaml"
	cases := []struct {
		name string
		args []string
		exit int
		want []string
	}{
		{"list", []string{"schemas", "list", "--config", cfg, "--schemas", repoSchemas(t)}, 0,
			[]string{"echo    1        echo/v1.json", "person  2        person/v2.json  person v2"}},
		{"check ok", []string{"schemas", "check", "--config", cfg, "--schemas", repoSchemas(t)}, 0, []string{"ok: 3 schemas"}},
		{"check broken", []string{"schemas", "check", "--config", cfg, "--schemas", brokenTree(t)}, 2, []string{"a/v1.json", "b/v1.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runExpect(t, tc.args, tc.exit, tc.want...) })
	}
}

// runExpect runs the program in-process and requires its exit code and
// that its output (with the error's text) holds each of want.
func runExpect(t *testing.T, args []string, exit int, want ...string) {
	t.Helper()
	text, err := runCLI(args...)
	if exitCode(err) != exit {
		t.Fatalf("exit %d (%v), want %d\n%s", exitCode(err), err, exit, text)
	}
	if err != nil {
		text += err.Error()
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("output lacks %q:\n%s", w, text)
		}
	}
}
