package validate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
)

// jstsDir is the official JSON Schema Test Suite beside the repo; the
// conformance run reads it from ../shared and skips where it is absent.
const jstsDir = "../../../shared/jsts"

type jstsGroup struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// TestJSONSchemaTestSuite loads every group of the draft 2020-12 suite as
// one file of a single tree (so the whole suite must load at once, as a
// real tree would) and checks each test's verdict. Cases the library is
// known to get wrong are listed, with the reason, in
// testdata/jsts-known-failures.txt; a listed case that starts passing fails
// the test too, so the list stays true.
func TestJSONSchemaTestSuite(t *testing.T) {
	root := filepath.Join(jstsDir, "tests", "draft2020-12")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("JSON Schema Test Suite not found at %s (../shared absent): %v", jstsDir, err)
	}
	groups, files := readSuite(t, root)
	tree := writeTree(t, files)
	reg, err := Load(Options{Dir: tree, AssertFormat: true, Documents: remotes(t)})
	if err != nil {
		t.Fatalf("the suite must load whole: %v", err)
	}
	known := knownFailures(t)
	var failed []string
	for i, g := range groups {
		s, ok := reg.Lookup(event.Key{Type: groupType(i), Version: 1})
		if !ok {
			t.Fatalf("group %s not loaded", g.name)
		}
		for _, c := range g.Tests {
			id := g.name + " | " + c.Description
			rep, err := s.ValidateJSON(c.Data, 0)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if got := rep.Valid(); got != c.Valid {
				failed = append(failed, id)
			}
		}
	}
	checkKnown(t, failed, known)
}

type namedGroup struct {
	jstsGroup
	name string
}

func readSuite(t testing.TB, root string) ([]namedGroup, map[string]string) {
	var groups []namedGroup
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var gs []jstsGroup
		if err := json.Unmarshal(b, &gs); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(root, p)
		for _, g := range gs {
			files[groupType(len(groups))+"/v1.json"] = string(g.Schema)
			groups = append(groups, namedGroup{g, filepath.ToSlash(rel) + " | " + g.Description})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return groups, files
}

func groupType(i int) string { return fmt.Sprintf("g%04d", i) }

// remotes serves the suite's remotes/ folder from memory under the URL the
// suite's schemas use for it.
func remotes(t testing.TB) map[string][]byte {
	docs := map[string][]byte{}
	dir := filepath.Join(jstsDir, "remotes")
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		docs["http://localhost:1234/"+filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// knownFailures reads "file | group | test\treason" lines.
func knownFailures(t *testing.T) map[string]string {
	f, err := os.Open("testdata/jsts-known-failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "\t")
		known[id] = reason
	}
	return known
}

func checkKnown(t *testing.T, failed []string, known map[string]string) {
	seen := map[string]bool{}
	for _, id := range failed {
		seen[id] = true
		if _, ok := known[id]; !ok {
			t.Errorf("wrong verdict: %s", id)
		}
	}
	var stale []string
	for id := range known {
		if !seen[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	for _, id := range stale {
		t.Errorf("listed as a known failure but passes now; remove it: %s", id)
	}
	t.Logf("%d known failures", len(failed))
}
