package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// gen go writes the types; --check passes on what it wrote and exits 1
// once a schema changes.
func TestGenGo(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "schemas")
	testkit.CopyTree(t, repoSchemas(t), tree)
	out := filepath.Join(dir, "events", "types_gen.go")
	gen := func(extra ...string) (string, string, error) {
		var o, e bytes.Buffer
		args := append([]string{"gen", "go", "--schemas", tree, "--out", out, "--package", "events"}, extra...)
		err := run(context.Background(), args, strings.NewReader(""), &o, &e)
		return o.String(), e.String(), err
	}
	if o, e, err := gen("--check"); exitCode(err) != 1 || !strings.Contains(e, "stale") {
		t.Fatalf("--check before any file: exit %d %q %q", exitCode(err), o, e)
	}
	if o, _, err := gen(); err != nil || !strings.Contains(o, "3 event types") {
		t.Fatalf("gen go: %v %s", err, o)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"package events", "type PersonV2 struct", "Email *string `json:\"email,omitempty\"`",
		`func (PersonV1) EventKey() wire.Key { return wire.Key{Type: "person", Version: 1} }`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated file lacks %s:\n%s", want, src)
		}
	}
	if _, _, err := gen("--check"); err != nil {
		t.Fatalf("--check right after gen: %v", err)
	}
	v2 := filepath.Join(tree, "person", "v2.json")
	data, _ := os.ReadFile(v2)
	testkit.WriteFile(t, v2, bytes.Replace(data, []byte(`"email": {`), []byte(`"phone": {"type": "string"}, "email": {`), 1))
	if _, e, err := gen("--check"); exitCode(err) != 1 || !strings.Contains(e, out) {
		t.Fatalf("--check after a schema change: exit %d %s", exitCode(err), e)
	}
}
