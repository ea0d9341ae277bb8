package main

import (
	"os"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// breakingTree is a tree whose person v2 requires what v1 left optional.
func breakingTree(t *testing.T) string {
	dir := t.TempDir()
	testkit.WriteTree(t, dir, map[string]string{
		"person/v1.json": `{"type":"object","properties":{"email":{"type":"string"}}}`,
		"person/v2.json": `{"type":"object","required":["email"],"properties":{"email":{"type":"string"}}}`,
	})
	return dir
}

func TestCompatCommand(t *testing.T) {
	cfg := "../../configs/schemagate.yaml"
	breaking := breakingTree(t)
	cases := []struct {
		name string
		args []string
		exit int
		want []string
	}{
		{"shipped tree", []string{"--schemas", repoSchemas(t)}, 0, []string{"person v1 → v2 backward: compatible"}},
		{"shipped tree full transitive", []string{"--schemas", repoSchemas(t), "--mode", "full", "--transitive"}, 1,
			[]string{"PROPERTY_REMOVED_FROM_CLOSED at /email", "counterexample:"}},
		{"breaking", []string{"--schemas", breaking}, 1, []string{"REQUIRED_ADDED", `counterexample: {}`}},
		{"breaking, mode none", []string{"--schemas", breaking, "--mode", "none"}, 0, []string{"0 pairs judged"}},
		{"breaking, forward", []string{"--schemas", breaking, "--mode", "forward"}, 0, []string{"compatible"}},
		{"json", []string{"--schemas", breaking, "-o", "json"}, 1, []string{`"rule": "REQUIRED_ADDED"`, `"exitCode": 1`}},
		{"github", []string{"--schemas", breaking, "-o", "github"}, 1, []string{"::error file=" + breaking + "/person/v2.json,line=1"}},
		{"against itself", []string{"--schemas", breaking, "--against", breaking}, 0, []string{"v2 (" + breaking + ") → v2 backward: compatible"}},
		{"against the shipped tree", []string{"--schemas", breaking, "--against", repoSchemas(t)}, 1, []string{"VERSION_REMOVED", "echo v1 (" + repoSchemas(t) + ") removed"}},
		{"bad mode", []string{"--schemas", breaking, "--mode", "sideways"}, 2, []string{"sideways"}},
		{"bad fail-on", []string{"--schemas", breaking, "--fail-on", "info"}, 2, []string{"--fail-on"}},
		{"bad format", []string{"--schemas", breaking, "-o", "yaml"}, 2, []string{"--format"}},
		{"bad against", []string{"--schemas", breaking, "--against", "no-such-ref-or-dir"}, 2, []string{"no-such-ref-or-dir"}},
		{"broken tree", []string{"--schemas", brokenTree(t)}, 2, []string{"a/v1.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runExpect(t, append([]string{"compat", "--config", cfg}, tc.args...), tc.exit, tc.want...)
		})
	}
}

// TestCompatAgainstGitRef judges the shipped tree against the commit it
// was last changed in: the same files, so compatible.
func TestCompatAgainstGitRef(t *testing.T) {
	if _, err := os.Stat("../../.git"); err != nil {
		if _, err := os.Stat("../../../.git"); err != nil {
			t.Skip("not in a git checkout")
		}
	}
	out, err := runCLI("compat", "--config", "../../configs/schemagate.yaml", "--schemas", repoSchemas(t), "--against", "HEAD")
	if exitCode(err) != 0 || !strings.Contains(out, "person v2 (HEAD) → v2 backward: compatible") {
		t.Fatalf("exit %d (%v)\n%s", exitCode(err), err, out)
	}
}

// TestServeRefusesBreakingTree: serve stops before listening, with exit
// code 2 and the compat report; with the type's mode none it would start.
func TestServeRefusesBreakingTree(t *testing.T) {
	out, err := runCLI("serve", "--config", "../../configs/schemagate.yaml", "--schemas", breakingTree(t), "--listen", "127.0.0.1:0")
	if exitCode(err) != 2 {
		t.Fatalf("exit %d (%v), want 2\n%s", exitCode(err), err, out)
	}
	for _, w := range []string{"break their compatibility mode", "REQUIRED_ADDED", "counterexample: {}"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
