package compat

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden renders one report of testdata/tree (person breaks
// backward twice, tag's pattern is rewritten to an equivalent one and is
// judged full) in every format and compares it with testdata/golden.
func TestGolden(t *testing.T) {
	tree := loadTree(t, filepath.Join("testdata", "tree"))
	r := Check(tree, Options{Default: Backward, Types: map[string]Mode{"tag": Full}, AssertFormat: true})
	o := WriteOptions{Dir: "schemas", Source: func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join("testdata", "tree", filepath.FromSlash(p)))
	}}
	for format, ext := range map[string]string{FormatText: "txt", FormatJSON: "json", FormatJUnit: "xml", FormatGitHub: "github"} {
		var b bytes.Buffer
		if err := Write(&b, r, format, o); err != nil {
			t.Fatal(err)
		}
		testkit.Golden(t, filepath.Join("testdata", "golden", "report."+ext), b.Bytes(), *update)
	}
	if r.ExitCode(Error) != 1 || r.ExitCode(Warning) != 1 {
		t.Errorf("exit codes %d/%d", r.ExitCode(Error), r.ExitCode(Warning))
	}
}
