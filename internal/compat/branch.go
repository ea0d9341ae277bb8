package compat

import (
	"fmt"
	"maps"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// allOf: every branch of y must hold for x's instances. Branches at the
// same index are compared with each other; a branch y adds is compared
// with the whole of x.
func (j *judgement) allOf(x, y *jsonschema.Schema, at place, depth int) {
	if len(y.AllOf) == 0 {
		return
	}
	if len(x.AllOf) == len(y.AllOf) {
		for i := range y.AllOf {
			j.node(x.AllOf[i], y.AllOf[i], at, depth+1)
		}
		return
	}
	for _, yb := range y.AllOf {
		if indexSame(x.AllOf, yb) < 0 {
			j.node(x, yb, at, depth+1)
		}
	}
}

func indexSame(list []*jsonschema.Schema, s *jsonschema.Schema) int {
	for i, b := range list {
		if same(b, s) {
			return i
		}
	}
	return -1
}

// branches: anyOf and oneOf. A branch y lost, or one it changed, may
// refuse what x took; a branch oneOf gained may overlap another, and an
// instance matching two branches is refused.
func (j *judgement) branches(x, y *jsonschema.Schema, at place, depth int) {
	for _, kw := range []string{"anyOf", "oneOf"} {
		xb, yb := x.AnyOf, y.AnyOf
		if kw == "oneOf" {
			xb, yb = x.OneOf, y.OneOf
		}
		if len(yb) == 0 {
			continue
		}
		if len(xb) == 0 {
			j.suspect("COMPOSITION_CHANGED", kw+" added", x, y, at, j.gen.valid(x))
			continue
		}
		matched := make([]bool, len(yb))
		for i, b := range xb {
			if k := indexSame(yb, b); k >= 0 {
				matched[k] = true
				continue
			}
			if i < len(yb) && indexSame(xb, yb[i]) < 0 {
				matched[i] = true
				j.node(b, yb[i], at, depth+1)
				if kw == "oneOf" {
					j.overlap(x, y, yb, i, at)
				}
				continue
			}
			j.suspect("BRANCH_REMOVED", fmt.Sprintf("a branch of %s was removed", kw), b, y, at, j.gen.merged(x, j.gen.valid(b), 0))
		}
		for k := range yb {
			if !matched[k] && kw == "oneOf" {
				j.overlap(x, y, yb, k, at)
			}
		}
	}
}

// overlap looks for instances x takes that match branch k of y's oneOf
// and another of its branches. Branches proven disjoint cannot overlap.
func (j *judgement) overlap(x, y *jsonschema.Schema, yb []*jsonschema.Schema, k int, at place) {
	var cands []any
	overlapping := false
	for i, other := range yb {
		if i == k || disjoint(yb[k], other) {
			continue
		}
		overlapping = true
		for _, v := range append(j.gen.valid(yb[k]), j.gen.valid(other)...) {
			if yb[k].Validate(v) == nil && other.Validate(v) == nil {
				cands = append(cands, v)
			}
		}
	}
	if !overlapping {
		return
	}
	for _, b := range x.OneOf {
		cands = append(cands, j.gen.merged(x, j.gen.valid(b), 0)...)
	}
	cands = append(cands, j.gen.valid(x)...)
	j.suspect("ONEOF_BRANCH_OVERLAP", fmt.Sprintf("oneOf branch %d may match an instance another branch matches too", k),
		x, yb[k], at, cands)
}

// disjoint reports whether no instance can match both a and b: their
// types do not meet, a's finitely many values all fail b (or b's fail a),
// or both are objects that require one member with disjoint schemas.
func disjoint(a, b *jsonschema.Schema) bool {
	return disjointAt(deref(a), deref(b), 0)
}

func disjointAt(a, b *jsonschema.Schema, depth int) bool {
	if a == nil || b == nil || depth > 8 {
		return false
	}
	if isFalse(a) || isFalse(b) {
		return true
	}
	if len(a.Types) > 0 && len(b.Types) > 0 && !typesMeet(a.Types, b.Types) {
		return true
	}
	if allRefused(a, b) || allRefused(b, a) {
		return true
	}
	if !objectOnly(a) || !objectOnly(b) {
		return false
	}
	for _, p := range requiredOf(a, 0) {
		if !slices.Contains(requiredOf(b, 0), p) {
			continue
		}
		if disjointAt(deref(a.Properties[p]), deref(b.Properties[p]), depth+1) {
			return true
		}
	}
	return false
}

func typesMeet(a, b []string) bool {
	for _, t := range a {
		for _, u := range b {
			if t == u || (t == "integer" && u == "number") || (t == "number" && u == "integer") {
				return true
			}
		}
	}
	return false
}

func allRefused(a, b *jsonschema.Schema) bool {
	vs, _ := allowed(a)
	if vs == nil {
		return false
	}
	for _, v := range vs {
		if b.Validate(v) == nil {
			return false
		}
	}
	return true
}

func objectOnly(s *jsonschema.Schema) bool {
	return len(s.Types) == 1 && s.Types[0] == "object"
}

// others: keywords the walk does not reason about. When they differ, the
// pair is searched with instances x takes; without a counterexample it
// stays a warning.
func (j *judgement) others(x, y *jsonschema.Schema, at place) {
	sm := &sameness{seen: map[[2]*jsonschema.Schema]bool{}}
	var changed []string
	check := func(name string, eq bool) {
		if !eq {
			changed = append(changed, name)
		}
	}
	check("not", sm.eq(x.Not, y.Not))
	check("if/then/else", sm.eq(x.If, y.If) && sm.eq(x.Then, y.Then) && sm.eq(x.Else, y.Else))
	check("propertyNames", sm.eq(x.PropertyNames, y.PropertyNames))
	check("dependentRequired", jsonEqual(x.DependentRequired, y.DependentRequired))
	check("dependentSchemas", maps.EqualFunc(x.DependentSchemas, y.DependentSchemas, sm.eq))
	check("dependencies", maps.EqualFunc(x.Dependencies, y.Dependencies, sm.either))
	check("contains", sm.eq(x.Contains, y.Contains) && x.MinContains == y.MinContains && x.MaxContains == y.MaxContains)
	check("$dynamicRef", sm.eq(x.DynamicRef, y.DynamicRef) && sm.eq(x.RecursiveRef, y.RecursiveRef))
	check("content", x.ContentEncoding == y.ContentEncoding && x.ContentMediaType == y.ContentMediaType && sm.eq(x.ContentSchema, y.ContentSchema))
	check("patternProperties", sm.patterns(x, y))
	for _, kw := range changed {
		if isTrue(y) {
			continue
		}
		cands := append(j.gen.valid(x), j.gen.raw(x, 0)...)
		if y.Not != nil {
			// what y's "not" matches, y refuses
			cands = append(cands, j.gen.merged(x, j.gen.valid(y.Not), 0)...)
		}
		j.suspect("KEYWORD_CHANGED", kw+" changed, which the checker does not reason about", x, y, at, cands)
	}
}
