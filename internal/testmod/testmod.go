// Package testmod is for tests: a Go module in a temporary folder outside
// the repository that requires this checkout (a replace to it), so code is
// compiled and run the way a user's project compiles and runs it.
package testmod

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// Module is a module in a temporary folder.
type Module struct {
	t   *testing.T
	Dir string
}

// New makes a module named path that requires the checkout at root
// (relative to the test's folder), with the checkout's go.sum so that
// nothing new need be fetched.
func New(t *testing.T, root, path string) *Module {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(abs, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go \S+$`).Find(gomod)
	m := &Module{t: t, Dir: t.TempDir()}
	m.Write("go.mod", []byte("module "+path+"\n\n"+string(goLine)+"\n\n"+
		"require github.com/schemagate/schemagate v0.0.0\n\nreplace github.com/schemagate/schemagate => "+abs+"\n"))
	sum, err := os.ReadFile(filepath.Join(abs, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	m.Write("go.sum", sum)
	return m
}

// Write writes a file of the module.
func (m *Module) Write(name string, data []byte) {
	m.t.Helper()
	p := filepath.Join(m.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		m.t.Fatal(err)
	}
}

// Run runs a command in the module's folder and returns its output; a
// failure ends the test with the command's stderr.
func (m *Module) Run(args ...string) []byte { return m.RunIn(nil, args...) }

// RunIn is Run with stdin.
func (m *Module) RunIn(stdin []byte, args ...string) []byte {
	m.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = m.Dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		m.t.Fatalf("%v: %v\n%s%s", args, err, out, stderr.String())
	}
	return out
}
