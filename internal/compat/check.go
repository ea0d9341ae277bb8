package compat

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/validate"
)

// Tree is a loaded schema tree and the name people know it by ("" for
// the tree being checked, a git ref or folder for the one it is checked
// against).
type Tree struct {
	Registry *validate.Registry
	Name     string
}

// Options says what to judge.
type Options struct {
	// Default is the mode of every type Types does not name.
	Default Mode
	// Types are per-type modes.
	Types map[string]Mode
	// Transitive judges each version against every earlier one, not only
	// the one before it.
	Transitive bool
	// AssertFormat says whether the trees assert "format"; when they do
	// not, a format is never a break.
	AssertFormat bool
	// Against, when set, is the tree as it was: each version in both is
	// judged against its old self, a version gone is a break, and a
	// version new to the tree is judged against the ones before it.
	Against *Tree
}

// ModeOf is the mode o gives typ.
func (o Options) ModeOf(typ string) Mode {
	if m, ok := o.Types[typ]; ok {
		return m
	}
	if o.Default == "" {
		return Backward
	}
	return o.Default
}

// Pair is one judgement: two schemas and a direction.
type Pair struct {
	Type     string    `json:"type"`
	Dir      Direction `json:"direction"`
	Old      Side      `json:"old"`
	New      Side      `json:"new"`
	Findings []Finding `json:"findings"`
}

// Report is every pair judged, in a stable order.
type Report struct {
	Pairs []Pair `json:"pairs"`
}

// Findings lists every finding of every pair.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, p := range r.Pairs {
		out = append(out, p.Findings...)
	}
	return out
}

// Count is how many findings have severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings() {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Fails reports whether any finding is at least as severe as failOn.
func (r *Report) Fails(failOn Severity) bool {
	for _, f := range r.Findings() {
		if f.Severity.AtLeast(failOn) {
			return true
		}
	}
	return false
}

// version is one schema of a tree, ready to judge.
type version struct {
	typ   string
	num   int
	label string
	file  string
	root  string
	s     *jsonschema.Schema
}

func versionsOf(t Tree) map[string][]version {
	out := map[string][]version{}
	for _, s := range t.Registry.Schemas() {
		label := fmt.Sprintf("%s v%d", s.Type, s.Version)
		if t.Name != "" {
			label += " (" + t.Name + ")"
		}
		out[s.Type] = append(out[s.Type], version{typ: s.Type, num: s.Version, label: label,
			file: s.Path, root: t.Registry.Dir(), s: s.Compiled()})
	}
	return out
}

// Check judges tree as o says.
func Check(tree Tree, o Options) *Report {
	c := &checker{o: o, gen: newGen()}
	cur := versionsOf(tree)
	var prev map[string][]version
	if o.Against != nil {
		prev = versionsOf(*o.Against)
	}
	for _, typ := range typesIn(cur, prev) {
		mode := o.ModeOf(typ)
		if mode == None {
			continue
		}
		c.checkType(mode, cur[typ], prev[typ])
	}
	sort.SliceStable(c.pairs, func(i, k int) bool {
		a, b := c.pairs[i], c.pairs[k]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.New.Version != b.New.Version {
			return a.New.Version < b.New.Version
		}
		return a.Old.Version < b.Old.Version
	})
	return &Report{Pairs: c.pairs}
}

func typesIn(a, b map[string][]version) []string {
	set := map[string]bool{}
	for t := range a {
		set[t] = true
	}
	for t := range b {
		set[t] = true
	}
	return slices.Sorted(maps.Keys(set))
}

type checker struct {
	o     Options
	gen   *gen
	pairs []Pair
}

// checkType judges one type's versions: consecutive ones (all earlier
// ones with Transitive), and with an old tree, each version against its
// old self.
func (c *checker) checkType(mode Mode, cur, prev []version) {
	old := map[int]version{}
	for _, v := range prev {
		old[v.num] = v
	}
	now := map[int]bool{}
	for _, v := range cur {
		now[v.num] = true
	}
	for i, v := range cur {
		if o, ok := old[v.num]; ok {
			c.judgePair(mode, o, v)
			continue
		}
		for k := i - 1; k >= 0; k-- {
			c.judgePair(mode, cur[k], v)
			if !c.o.Transitive {
				break
			}
		}
	}
	for _, v := range prev {
		if !now[v.num] {
			c.removed(v)
		}
	}
}

func (c *checker) judgePair(mode Mode, old, cur version) {
	for _, d := range mode.directions() {
		x, y := old, cur
		if d == DirForward {
			x, y = cur, old
		}
		p := Pair{Type: cur.typ, Dir: d, Old: sideOf(old, old.s, ""), New: sideOf(cur, cur.s, ""), Findings: []Finding{}}
		seen := map[string]bool{}
		for _, s := range judge(x.s, y.s, c.gen, c.o.AssertFormat) {
			f := c.finding(d, x, y, s)
			if k := f.Rule + "\x00" + f.Instance + "\x00" + f.Message; !seen[k] {
				seen[k] = true
				p.Findings = append(p.Findings, f)
			}
		}
		c.pairs = append(c.pairs, p)
	}
}

func (c *checker) finding(d Direction, x, y version, s suspicion) Finding {
	f := Finding{Rule: s.rule, Type: x.typ, Dir: d, Instance: s.instance, Severity: Warning, Message: s.message}
	xkw := keywordOn(s.x, s.rule)
	if s.rule == "PROPERTY_REMOVED_FROM_CLOSED" { // x's side is the member itself
		xkw = ""
	}
	xs, ys := sideOf(x, s.x, xkw), sideOf(y, s.y, keywordOn(s.y, s.rule))
	f.Old, f.New = xs, ys
	if d == DirForward {
		f.Old, f.New = ys, xs
	}
	if s.proven {
		f.Severity = Error
		f.Counterexample, _ = json.Marshal(s.example)
		f.ValidUnder, f.InvalidUnder = x.label, y.label
		f.Message += fmt.Sprintf(": valid under %s, invalid under %s", x.label, y.label)
	} else {
		f.Message += ": " + Unproven
	}
	return f
}

// removed reports a version the old tree had and the new one lacks:
// every instance it took is now refused as unknown.
func (c *checker) removed(v version) {
	f := Finding{Rule: "VERSION_REMOVED", Type: v.typ, Dir: DirBackward, Severity: Warning,
		Old: sideOf(v, v.s, ""), Message: v.label + " was removed: its events are refused as unknown"}
	if vs := c.gen.valid(v.s); len(vs) > 0 {
		f.Severity = Error
		f.Counterexample, _ = json.Marshal(vs[0])
		f.ValidUnder, f.InvalidUnder = v.label, "no schema"
	}
	c.pairs = append(c.pairs, Pair{Type: v.typ, Dir: DirBackward, Old: f.Old, Findings: []Finding{f}})
}

// sideOf names node s of version v, or its keyword kw: its document and
// pointer relative to v's tree.
func sideOf(v version, s *jsonschema.Schema, kw string) Side {
	side := Side{Label: v.label, Version: v.num, File: v.file}
	loc := v.file + "#"
	if s != nil && s.Location != "" {
		loc = strings.TrimPrefix(s.Location, "file://"+v.root+"/")
	}
	if kw != "" {
		loc += "/" + kw
	}
	side.Location = loc
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		side.Pointer = loc[i+1:]
	}
	return side
}
