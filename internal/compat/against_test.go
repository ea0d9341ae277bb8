package compat

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// TestRefIntoDefsChanged: person v1 is the same file in both trees, but
// the definition its $ref reaches was tightened; the finding points into
// _defs/common.json on both sides and shows an age the old tree took.
func TestRefIntoDefsChanged(t *testing.T) {
	old := loadTree(t, filepath.Join("testdata", "refs", "old"))
	old.Name = "old"
	cur := loadTree(t, filepath.Join("testdata", "refs", "new"))
	r := Check(cur, Options{Default: Backward, Against: &old})
	fs := r.Findings()
	if len(fs) != 1 || fs[0].Rule != "NUMBER_RANGE_NARROWED" || fs[0].Severity != Error {
		t.Fatalf("findings: %s", dump(r))
	}
	f := fs[0]
	for _, side := range []Side{f.Old, f.New} {
		if side.Location != "_defs/common.json#/$defs/age/minimum" || side.File != "person/v1.json" {
			t.Errorf("side %+v does not point at the changed definition", side)
		}
	}
	if f.Instance != "/age" || f.ValidUnder != "person v1 (old)" || f.InvalidUnder != "person v1" {
		t.Errorf("finding %+v", f)
	}
}

// TestGitTree commits two versions of a tree in a scratch repository and
// judges the work tree against the first commit, read through git alone.
func TestGitTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	testkit.CopyTree(t, filepath.Join("testdata", "refs", "old"), filepath.Join(repo, "schemas"))
	run("init", "-q")
	run("add", ".")
	run("commit", "-q", "-m", "old")
	testkit.CopyTree(t, filepath.Join("testdata", "refs", "new"), filepath.Join(repo, "schemas"))
	dir, err := GitTree(context.Background(), filepath.Join(repo, "schemas"), "HEAD", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old := loadTree(t, dir)
	old.Name = "HEAD"
	r := Check(loadTree(t, filepath.Join(repo, "schemas")), Options{Against: &old})
	if got := summary(r); got != "NUMBER_RANGE_NARROWED!" {
		t.Fatalf("got %q\n%s", got, dump(r))
	}
	if _, err := GitTree(context.Background(), filepath.Join(repo, "schemas"), "no-such-ref", t.TempDir()); err == nil {
		t.Error("an unknown ref was accepted")
	}
}

// TestShippedSchemasPass: the tree in schemas/ meets the default mode.
func TestShippedSchemasPass(t *testing.T) {
	tree := loadTree(t, filepath.Join("..", "..", "schemas"))
	for _, m := range []Mode{Backward} {
		r := Check(tree, Options{Default: m, AssertFormat: true})
		if n := len(r.Findings()); n != 0 {
			t.Errorf("%s: %d findings\n%s", m, n, dump(r))
		}
	}
}
