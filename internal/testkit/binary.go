package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Binary is a program a test package builds once, from the main package
// in Dir (relative to the package's folder), for every test that runs it:
// the tests of the process, its exit codes, its signals. A package holds
// one in a variable and calls Remove from its TestMain.
type Binary struct {
	Dir string

	once sync.Once
	path string
	err  error
}

// Path builds the binary the first time it is asked for and returns where
// it is. It skips the test with -short, and fails it when the build failed.
// The build takes -buildvcs=auto whatever GOFLAGS says, so that `version`
// reports what a build from a checkout records.
func (b *Binary) Path(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "schemagate-test-bin-")
		if err != nil {
			b.err = err
			return
		}
		abs, err := filepath.Abs(b.Dir)
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, filepath.Base(abs))
		out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", b.path, b.Dir).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", b.Dir, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// Remove deletes the binary, if it was built.
func (b *Binary) Remove() {
	if b.path != "" {
		_ = os.RemoveAll(filepath.Dir(b.path))
	}
}
