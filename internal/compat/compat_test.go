package compat

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/validate"
)

func loadTree(t testing.TB, dir string) Tree {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: dir, AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	return Tree{Registry: reg}
}

// TestHardCases runs each fixture pair (testdata/cases/<name>/t/v1.json →
// v2.json) in each direction and compares the findings' rules and
// severities: "RULE!" is a break with a verified counterexample, "RULE?"
// a warning, "" no finding at all.
func TestHardCases(t *testing.T) {
	cases := []struct {
		name              string
		backward, forward string
	}{
		{"open-add-optional", "PROPERTY_ADDED_TO_OPEN!", ""},
		{"closed-add-optional", "", "PROPERTY_REMOVED_FROM_CLOSED!"},
		{"closed-remove-property", "PROPERTY_REMOVED_FROM_CLOSED!", ""},
		{"open-remove-property", "", "PROPERTY_ADDED_TO_OPEN!"},
		{"required-added", "REQUIRED_ADDED!", ""},
		{"integer-to-number", "", "TYPE_NARROWED!"},
		{"number-to-integer", "TYPE_NARROWED!", ""},
		{"minimum-raised", "NUMBER_RANGE_NARROWED!", ""},
		{"minimum-lowered", "", "NUMBER_RANGE_NARROWED!"},
		{"minimum-made-exclusive", "NUMBER_RANGE_NARROWED!", ""},
		{"max-length-lowered", "STRING_LENGTH_NARROWED!", ""},
		{"multiple-of-added", "MULTIPLE_OF_CHANGED!", ""},
		{"enum-narrowed", "ENUM_NARROWED!", ""},
		{"enum-widened", "", "ENUM_NARROWED!"},
		{"const-added", "CONST_CHANGED!", ""},
		{"format-added", "FORMAT_ADDED!", ""},
		{"pattern-narrowed", "PATTERN_CHANGED!", "PATTERN_CHANGED?"},
		{"pattern-equivalent", "PATTERN_CHANGED?", "PATTERN_CHANGED?"},
		{"items-narrowed", "TYPE_NARROWED!", ""},
		{"prefix-items-constrained", "ITEMS_NARROWED!", ""},
		{"prefix-items-closed-grown", "", "ITEMS_NARROWED!"},
		{"unique-items-added", "UNIQUE_ITEMS_ADDED!", ""},
		{"unevaluated-closed", "UNEVALUATED_PROPERTIES_NARROWED!", ""},
		{"oneof-overlapping-branch", "ONEOF_BRANCH_OVERLAP!", "BRANCH_REMOVED!"},
		{"oneof-disjoint-branch", "", "BRANCH_REMOVED!"},
		{"oneof-object-overlap", "ONEOF_BRANCH_OVERLAP!", "BRANCH_REMOVED!"},
		{"anyof-branch-removed", "BRANCH_REMOVED!", ""},
		{"not-changed", "KEYWORD_CHANGED!", "KEYWORD_CHANGED?"},
		{"nested-open-add", "PROPERTY_ADDED_TO_OPEN!", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := loadTree(t, filepath.Join("testdata", "cases", c.name))
			for _, d := range []struct {
				mode Mode
				want string
			}{{Backward, c.backward}, {Forward, c.forward}} {
				r := Check(tree, Options{Default: d.mode, AssertFormat: true})
				if got := summary(r); got != d.want {
					t.Errorf("%s: got %q, want %q\n%s", d.mode, got, d.want, dump(r))
				}
				checkCounterexamples(t, tree, r)
			}
		})
	}
}

// summary is the sorted, distinct "RULE!"/"RULE?" of every finding.
func summary(r *Report) string {
	set := map[string]bool{}
	for _, f := range r.Findings() {
		mark := "?"
		if f.Severity == Error {
			mark = "!"
		}
		set[f.Rule+mark] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func dump(r *Report) string {
	b, _ := json.MarshalIndent(r.Findings(), "", "  ")
	return string(b)
}

// checkCounterexamples runs every reported counterexample through the
// two schemas again, independently of the checker.
func checkCounterexamples(t *testing.T, tree Tree, r *Report) {
	t.Helper()
	for _, f := range r.Findings() {
		if f.Severity != Error {
			if f.Counterexample != nil {
				t.Errorf("warning %s carries a counterexample", f.Rule)
			}
			continue
		}
		dec := json.NewDecoder(strings.NewReader(string(f.Counterexample)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		valid, invalid := versionOf(t, tree, f.ValidUnder), versionOf(t, tree, f.InvalidUnder)
		if rep := valid.Validate(v); !rep.Valid() {
			t.Errorf("%s: counterexample %s is not valid under %s: %v", f.Rule, f.Counterexample, f.ValidUnder, rep.Details)
		}
		if rep := invalid.Validate(v); rep.Valid() {
			t.Errorf("%s: counterexample %s is valid under %s", f.Rule, f.Counterexample, f.InvalidUnder)
		}
	}
}

func versionOf(t *testing.T, tree Tree, label string) *validate.Schema {
	for _, s := range tree.Registry.Schemas() {
		if s.Type+" v"+itoa(s.Version) == label {
			return s
		}
	}
	t.Fatalf("no schema %q", label)
	return nil
}
