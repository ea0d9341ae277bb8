package codegen

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// module is a Go module in a temporary folder outside the repository that
// requires this checkout, so generated code is compiled the way a user's
// project compiles it.
type module struct {
	t   *testing.T
	dir string
}

func newModule(t *testing.T) *module {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go \S+$`).Find(gomod)
	m := &module{t: t, dir: t.TempDir()}
	m.write("go.mod", []byte("module example.com/generated\n\n"+string(goLine)+"\n\n"+
		"require github.com/schemagate/schemagate v0.0.0\n\nreplace github.com/schemagate/schemagate => "+root+"\n"))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	m.write("go.sum", sum)
	return m
}

func (m *module) write(name string, data []byte) {
	m.t.Helper()
	p := filepath.Join(m.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		m.t.Fatal(err)
	}
}

func (m *module) run(args ...string) []byte { return m.runIn(nil, args...) }

func (m *module) runIn(stdin []byte, args ...string) []byte {
	m.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = m.dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		m.t.Fatalf("%v: %v\n%s", args, err, stderr.String())
	}
	return out
}
