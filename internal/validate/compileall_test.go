package validate

import (
	"errors"
	"fmt"
	"maps"
	"testing"
)

// brokenFiles are schemas that fail in the compiler, each in its own way;
// _d/x.json is a shared definition that fails its metaschema check and
// that b/v1.json refers to (which once panicked in the library when the
// same compiler met it twice).
var brokenFiles = map[string]string{
	"_d/x.json": `{"$defs":{"n":{"type":5}}}`,
	"a/v1.json": `{"type":"object","properties":{"x":{"minimum":"no"}}}`,
	"b/v1.json": `{"$ref":"../_d/x.json#/$defs/n"}`,
	"c/v1.json": `{"$ref":"../_d/none.json"}`,
	"d/v1.json": `{"properties":{"s":{"type":"string","pattern":"("}}}`,
	"e/v1.json": `{"$schema":"https://example.com/my-draft"}`,
	"f/v1.json": `{"$ref":"#/$defs/missing"}`,
}

// TestParallelLoadReportsAsAlone: in a tree big enough to compile on
// several goroutines, every broken file is reported exactly as when it is
// loaded alone (file, JSON Pointer and all), whichever goroutine met it
// and whatever that goroutine compiled before.
func TestParallelLoadReportsAsAlone(t *testing.T) {
	tree := maps.Clone(brokenFiles)
	for i := range 4 * filesPerWorker {
		tree[fmt.Sprintf("ok%03d/v1.json", i)] = `{"type":"object","properties":{"d":{"$ref":"../_d/ok.json"}}}`
		// The broken shared file again and again, between good ones.
		tree[fmt.Sprintf("r%03d/v1.json", i)] = `{"$ref":"../_d/x.json#/$defs/n"}`
	}
	tree["_d/ok.json"] = `{"type":"string"}`
	whole := loadProblems(t, tree)
	for name := range brokenFiles {
		if name == "_d/x.json" {
			continue
		}
		alone := loadProblems(t, map[string]string{name: brokenFiles[name], "_d/x.json": brokenFiles["_d/x.json"]})
		if whole[name] == "" || whole[name] != alone[name] {
			t.Errorf("%s:\nin the tree: %q\nalone:       %q", name, whole[name], alone[name])
		}
	}
	if whole["r000/v1.json"] != whole["b/v1.json"] || whole["r199/v1.json"] != whole["b/v1.json"] {
		t.Errorf("a reference to the broken shared file is reported unevenly:\n%q\n%q", whole["r000/v1.json"], whole["b/v1.json"])
	}
	if whole["_d/x.json"] == "" || len(whole) != len(brokenFiles)+4*filesPerWorker {
		t.Errorf("%d files reported, want %d: %v", len(whole), len(brokenFiles)+4*filesPerWorker, whole)
	}
}

// loadProblems loads a tree that must fail and returns each file's
// problem as the error message shows it.
func loadProblems(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	dir := writeTree(t, files)
	_, err := Load(Options{Dir: dir, AssertFormat: true})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want *LoadError", err)
	}
	got := map[string]string{}
	for _, p := range le.Problems {
		if _, dup := got[p.File]; dup {
			t.Errorf("%s reported twice", p.File)
		}
		got[p.File] = cleanMessage(le.Dir, p.Err.Error())
	}
	return got
}
