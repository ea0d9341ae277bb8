package validate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/testkit"
)

// writeTree makes a schema dir from path → content.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testkit.WriteTree(t, dir, files)
	return dir
}

func TestLoadProblems(t *testing.T) {
	ok := `{"type":"object"}`
	cases := []struct {
		name  string
		files map[string]string
		want  []string // each must appear in the error, in this order
	}{
		{"syntax error names file and line", map[string]string{"a/v1.json": "{\n\"type\": \"object\",\n}"},
			[]string{"a/v1.json: invalid JSON at line 3"}},
		{"bad keyword value", map[string]string{"a/v1.json": `{"type": 12}`}, []string{"a/v1.json: "}},
		{"ref escaping the tree", map[string]string{"a/v1.json": `{"$ref": "../../etc/x.json"}`},
			[]string{"a/v1.json: ", "not a file of the schema dir"}},
		{"ref to the network", map[string]string{"a/v1.json": `{"$ref": "https://evil.example.com/s.json"}`},
			[]string{"a/v1.json: ", "https://evil.example.com/s.json", "never fetched"}},
		{"missing file in tree", map[string]string{"a/v1.json": `{"$ref": "../_x/none.json"}`},
			[]string{"a/v1.json: ", "not a file of the schema dir"}},
		{"bad version file name", map[string]string{"a/v01.json": ok, "a/latest.json": ok},
			[]string{`a/latest.json: file name "latest.json" is not v<N>.json`, `a/v01.json: file name "v01.json"`}},
		{"bad type folder", map[string]string{"Bad/v1.json": ok}, []string{`Bad/v1.json: folder "Bad" is not a valid event type`}},
		{"too deep", map[string]string{"a/b/v1.json": ok}, []string{"a/b/v1.json: unexpected location"}},
		{"duplicate $id", map[string]string{"a/v1.json": `{"$id":"https://x.example/s"}`, "b/v1.json": `{"$id":"https://x.example/s"}`},
			[]string{`b/v1.json: $id "https://x.example/s" is also declared by a/v1.json`}},
		{"unknown draft", map[string]string{"a/v1.json": `{"$schema":"https://example.com/my-draft"}`}, []string{"a/v1.json: "}},
		{"every problem at once", map[string]string{"a/v1.json": "{", "b/v1.json": `{"minimum":"x"}`, "c/v1.json": ok, "_d/x.json": "[1,"},
			[]string{"3 problem(s)", "_d/x.json: invalid JSON", "a/v1.json: invalid JSON", "b/v1.json: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			_, err := Load(Options{Dir: dir, AssertFormat: true})
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			msg := err.Error()
			at := 0
			for _, w := range c.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error lacks %q (in order):\n%s", w, msg)
				}
				at += i + len(w)
			}
			if strings.Contains(msg, dir) && !strings.HasPrefix(msg, "schema dir "+le.Dir) {
				t.Errorf("error shows machine paths:\n%s", msg)
			}
		})
	}
}

func TestLoadMissingDir(t *testing.T) {
	_, err := Load(Options{Dir: filepath.Join(t.TempDir(), "nope")})
	if err == nil || !strings.Contains(err.Error(), "schema dir") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadSymlinkOutside(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret.json": `{"type":"string"}`})
	dir := writeTree(t, map[string]string{"a/v1.json": `{"type":"object"}`})
	if err := os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(dir, "a", "v2.json")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	_, err := Load(Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "a/v2.json: links outside the schema dir") {
		t.Fatalf("err = %v", err)
	}
}

func TestDetailsCapped(t *testing.T) {
	dir := writeTree(t, map[string]string{"many/v1.json": `{"type":"array","items":{"type":"string"}}`})
	r := mustLoad(t, dir)
	s, _ := r.Lookup(event.Key{Type: "many", Version: 1})
	rep := s.Validate(decode(t, "["+strings.Repeat("1,", 4999)+"1]"))
	if len(rep.Details) != config.DefaultMaxDetails || rep.Omitted != 5000-config.DefaultMaxDetails {
		t.Fatalf("details = %d, omitted = %d", len(rep.Details), rep.Omitted)
	}
	if rep.Details[0].InstanceLocation != "/0" || rep.Details[19].InstanceLocation != "/19" {
		t.Fatalf("details not in index order: %v ... %v", rep.Details[0], rep.Details[19])
	}
}

func TestCatastrophicPatternIsLinear(t *testing.T) {
	// (a+)+$ makes a backtracking engine take exponential time on "aaaa…b";
	// Go's RE2 answers in linear time. 50,000 characters would never finish
	// under backtracking.
	dir := writeTree(t, map[string]string{"re/v1.json": `{"type":"string","pattern":"^(a+)+$"}`})
	s, _ := mustLoad(t, dir).Lookup(event.Key{Type: "re", Version: 1})
	rep := s.Validate(strings.Repeat("a", 50000) + "b")
	if rep.Valid() {
		t.Fatal("pattern should not match")
	}
}

// A schema that breaks its meta-schema is reported with the JSON Pointer
// of the offending place in its file.
func TestProblemPointer(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a/v1.json": `{"type":"object","properties":{"age":{"minimum":"ten"}}}`,
		"b/v1.json": `{`,
	})
	_, err := Load(Options{Dir: dir})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v", err)
	}
	got := map[string]string{}
	for _, p := range le.Problems {
		got[p.File] = p.Pointer()
	}
	if got["a/v1.json"] != "/properties/age/minimum" || got["b/v1.json"] != "" {
		t.Fatalf("pointers %v", got)
	}
}
