package compat

import (
	"encoding/json"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// maxWalk bounds the walk's depth through recursive schemas.
const maxWalk = 32

// maxWholes caps the whole instances tried per suspicion.
const maxWholes = 400

// judgement is one direction of one pair: every instance xRoot accepts
// should be accepted by yRoot. Rules look for places where y may be
// stricter than x; each such suspicion carries candidate values for that
// place, which place.wrap turns into whole instances to verify.
type judgement struct {
	xRoot, yRoot *jsonschema.Schema
	gen          *gen
	assertFormat bool
	seen         map[[2]*jsonschema.Schema]bool
	found        []suspicion
}

// suspicion is a rule's outcome at one place, with its counterexample
// when one was verified.
type suspicion struct {
	rule, message string
	instance      string
	x, y          *jsonschema.Schema
	example       any
	proven        bool
}

// place is where in an instance the walk is, and how to build whole
// instances around a value put there.
type place struct {
	inst string
	wrap func(v any) []any
}

func rootPlace() place {
	return place{wrap: func(v any) []any { return []any{v} }}
}

func judge(x, y *jsonschema.Schema, g *gen, assertFormat bool) []suspicion {
	j := &judgement{xRoot: x, yRoot: y, gen: g, assertFormat: assertFormat,
		seen: map[[2]*jsonschema.Schema]bool{}}
	j.node(x, y, rootPlace(), 0)
	return j.found
}

// node compares x and y at one place: each rule family in turn.
func (j *judgement) node(x, y *jsonschema.Schema, at place, depth int) {
	x, y = deref(x), deref(y)
	k := [2]*jsonschema.Schema{x, y}
	if x == y || depth > maxWalk || j.seen[k] || x == nil {
		return
	}
	j.seen[k] = true
	if isFalse(x) || y == nil || isTrue(y) || same(x, y) {
		return
	}
	if isFalse(y) {
		j.suspect("SCHEMA_REJECTS_ALL", "the schema accepts nothing here", x, y, at, j.gen.valid(x))
		return
	}
	switch {
	case x.Ref != nil && y.Ref != nil:
		j.node(x.Ref, y.Ref, at, depth+1)
		x, y = withoutRef(x), withoutRef(y)
	case y.Ref != nil:
		j.node(x, y.Ref, at, depth+1)
		y = withoutRef(y)
	case x.Ref != nil:
		x = flatten(x, 0)
	}
	if len(x.AllOf) > 0 && len(y.AllOf) == 0 {
		x = flatten(x, 0)
	}
	j.allOf(x, y, at, depth)
	j.types(x, y, at)
	j.values(x, y, at)
	if allows(x, "number") || allows(x, "integer") {
		j.numbers(x, y, at)
	}
	if allows(x, "string") {
		j.strings(x, y, at)
	}
	if allows(x, "object") {
		j.objects(x, y, at, depth)
	}
	if allows(x, "array") {
		j.arrays(x, y, at, depth)
	}
	j.branches(x, y, at, depth)
	j.others(x, y, at)
}

// suspect settles a suspicion: it tries each candidate value at the
// place inside whole instances until one is valid under x's root and
// invalid under y's. An instance y refuses at this place (a violation
// located at or under it) is preferred, so that the finding names the
// reason; one refused elsewhere still proves the pair incompatible and is
// kept if no better one turns up.
func (j *judgement) suspect(rule, msg string, x, y *jsonschema.Schema, at place, candidates []any) {
	s := suspicion{rule: rule, message: msg, instance: at.inst, x: x, y: y}
	var fallback any
	tried := 0
	for _, c := range candidates {
		for _, whole := range at.wrap(c) {
			if tried++; tried > maxWholes {
				break
			}
			if j.xRoot.Validate(whole) != nil {
				continue
			}
			err := j.yRoot.Validate(whole)
			if err == nil {
				continue
			}
			if refusedAt(err, at.inst) {
				s.example, s.proven = whole, true
				j.found = append(j.found, s)
				return
			}
			if fallback == nil {
				fallback = whole
			}
		}
	}
	if fallback != nil {
		s.example, s.proven = fallback, true
	}
	j.found = append(j.found, s)
}

// refusedAt reports whether a violation of err lies at inst or under it.
func refusedAt(err error, inst string) bool {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return true
	}
	if len(ve.Causes) == 0 {
		loc := ve.InstanceLocation
		return loc == inst || strings.HasPrefix(loc, inst+"/") || inst == ""
	}
	for _, c := range ve.Causes {
		if refusedAt(c, inst) {
			return true
		}
	}
	return false
}

// deref follows $refs that stand alone.
func deref(s *jsonschema.Schema) *jsonschema.Schema {
	for i := 0; s != nil && s.Ref != nil && onlyRef(s) && i < 64; i++ {
		s = s.Ref
	}
	return s
}

// onlyRef reports whether s says nothing but its $ref.
func onlyRef(s *jsonschema.Schema) bool {
	c := *s
	c.Ref = nil
	return isTrue(&c)
}

func withoutRef(s *jsonschema.Schema) *jsonschema.Schema {
	c := *s
	c.Ref = nil
	return &c
}

func isFalse(s *jsonschema.Schema) bool {
	return s != nil && s.Always != nil && !*s.Always
}

// isTrue reports whether s accepts everything because it states nothing.
func isTrue(s *jsonschema.Schema) bool {
	if s.Always != nil {
		return *s.Always
	}
	return s.Ref == nil && s.DynamicRef == nil && s.RecursiveRef == nil && len(s.Types) == 0 &&
		s.Constant == nil && s.Enum == nil && s.Not == nil && s.AllOf == nil && s.AnyOf == nil &&
		s.OneOf == nil && s.If == nil && s.MinProperties < 0 && s.MaxProperties < 0 &&
		len(s.Required) == 0 && len(s.Properties) == 0 && s.PropertyNames == nil &&
		len(s.PatternProperties) == 0 && s.AdditionalProperties == nil && len(s.Dependencies) == 0 &&
		len(s.DependentRequired) == 0 && len(s.DependentSchemas) == 0 && s.UnevaluatedProperties == nil &&
		s.MinItems < 0 && s.MaxItems < 0 && !s.UniqueItems && s.Items == nil && s.AdditionalItems == nil &&
		len(s.PrefixItems) == 0 && s.Items2020 == nil && s.Contains == nil && s.UnevaluatedItems == nil &&
		s.MinLength < 0 && s.MaxLength < 0 && s.Pattern == nil && s.Format == "" && s.ContentEncoding == "" &&
		s.ContentMediaType == "" && s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil &&
		s.ExclusiveMaximum == nil && s.MultipleOf == nil
}

// allows reports whether s's own type keyword lets t through.
func allows(s *jsonschema.Schema, t string) bool {
	if len(s.Types) == 0 {
		return true
	}
	for _, have := range s.Types {
		if have == t || (have == "number" && t == "integer") {
			return true
		}
	}
	return false
}

// childProp is the place of member p of the object at, built from
// objects x accepts.
func (j *judgement) childProp(at place, x *jsonschema.Schema, p string) place {
	return place{inst: at.inst + "/" + escape(p), wrap: func(v any) []any {
		var out []any
		for _, base := range j.baseObjects(x) {
			m := mergeObjects(base, map[string]any{p: v})
			out = append(out, at.wrap(m)...)
		}
		return out
	}}
}

func (j *judgement) baseObjects(x *jsonschema.Schema) []map[string]any {
	var out []map[string]any
	for _, v := range append(j.gen.valid(x), j.gen.objects(x, 0)...) {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		out = append(out, map[string]any{})
	}
	return out
}

// childItem is the place of item i of the array at.
func (j *judgement) childItem(at place, x *jsonschema.Schema, i int) place {
	return place{inst: at.inst + "/" + itoa(i), wrap: func(v any) []any {
		var out []any
		for _, base := range j.baseArrays(x, i+1) {
			arr := append([]any{}, base...)
			arr[i] = v
			out = append(out, at.wrap(arr)...)
		}
		return out
	}}
}

// baseArrays are arrays x accepts, made at least n long.
func (j *judgement) baseArrays(x *jsonschema.Schema, n int) [][]any {
	var out [][]any
	for _, v := range append(j.gen.valid(x), j.gen.arrays(x, 0)...) {
		if a, ok := v.([]any); ok {
			out = append(out, j.extend(x, a, n))
		}
	}
	if len(out) == 0 {
		out = append(out, j.extend(x, nil, n))
	}
	return out
}

func (j *judgement) extend(x *jsonschema.Schema, a []any, n int) []any {
	a = append([]any{}, a...)
	for i := len(a); i < n; i++ {
		var v any = json.Number("0")
		if vs := j.gen.valid(itemSchema(x, i)); len(vs) > 0 {
			v = vs[0]
		}
		a = append(a, v)
	}
	return a
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}
