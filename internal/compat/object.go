package compat

import (
	"fmt"
	"maps"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// extraName is a member name no shipped schema declares: the probe for
// what an object does with members it does not name.
const extraName = "x-compat-extra"

// memberKind says how a schema treats one member name.
type memberKind int

const (
	memberAny      memberKind = iota // nothing constrains it
	memberSchema                     // a subschema judges it
	memberRejected                   // it may not appear
)

// member is the subschema s applies to member p, and the keyword that
// applies it. Names declared by the schema's $ref or allOf count as
// declared (they are evaluated, for unevaluatedProperties).
func member(s *jsonschema.Schema, p string) (*jsonschema.Schema, memberKind, string) {
	if ps, ok := s.Properties[p]; ok {
		return kindOf(ps, "properties")
	}
	for re, ps := range s.PatternProperties {
		if re.MatchString(p) {
			return kindOf(ps, "patternProperties")
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case bool:
		if !a {
			return nil, memberRejected, "additionalProperties"
		}
		return nil, memberAny, ""
	case *jsonschema.Schema:
		return kindOf(a, "additionalProperties")
	}
	if declaredElsewhere(s, p, 0) {
		return nil, memberAny, ""
	}
	if s.UnevaluatedProperties != nil {
		return kindOf(s.UnevaluatedProperties, "unevaluatedProperties")
	}
	return nil, memberAny, ""
}

func kindOf(s *jsonschema.Schema, via string) (*jsonschema.Schema, memberKind, string) {
	s = deref(s)
	switch {
	case isFalse(s):
		return s, memberRejected, via
	case isTrue(s):
		return nil, memberAny, via
	}
	return s, memberSchema, via
}

// declaredElsewhere reports whether a subschema applied in place (a $ref,
// allOf, anyOf, oneOf) names p, so that it counts as evaluated.
func declaredElsewhere(s *jsonschema.Schema, p string, depth int) bool {
	if s == nil || depth > 8 {
		return false
	}
	subs := append(append(append([]*jsonschema.Schema{s.Ref}, s.AllOf...), s.AnyOf...), s.OneOf...)
	for _, sub := range subs {
		if sub == nil {
			continue
		}
		if _, ok := sub.Properties[p]; ok || sub.AdditionalProperties != nil || declaredElsewhere(sub, p, depth+1) {
			return true
		}
	}
	return false
}

// requiredOf is every name s requires, with those its $refs and allOf
// branches require.
func requiredOf(s *jsonschema.Schema, depth int) []string {
	if s == nil || depth > 8 {
		return nil
	}
	out := append([]string{}, s.Required...)
	out = append(out, requiredOf(s.Ref, depth+1)...)
	for _, b := range s.AllOf {
		out = append(out, requiredOf(b, depth+1)...)
	}
	return out
}

func (j *judgement) objects(x, y *jsonschema.Schema, at place, depth int) {
	xr := requiredOf(x, 0)
	for _, p := range y.Required {
		if slices.Contains(xr, p) {
			continue
		}
		var cands []any
		for _, b := range j.baseObjects(x) {
			m := mergeObjects(b, nil)
			delete(m, p)
			cands = append(cands, m)
		}
		j.suspect("REQUIRED_ADDED", fmt.Sprintf("%q is now required", p), x, y, at, cands)
	}
	for _, p := range memberNames(x, y) {
		j.member(x, y, p, at, depth)
	}
	j.counts(x, y, at)
}

// memberNames are the names either schema declares, and the probe for
// undeclared ones.
func memberNames(x, y *jsonschema.Schema) []string {
	set := map[string]bool{extraName: true}
	for _, s := range []*jsonschema.Schema{x, y} {
		for p := range s.Properties {
			set[p] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// member compares what x and y let member p be.
func (j *judgement) member(x, y *jsonschema.Schema, p string, at place, depth int) {
	xs, xk, _ := member(x, p)
	ys, yk, via := member(y, p)
	child := j.childProp(at, x, p)
	switch {
	case xk == memberRejected || yk == memberAny:
	case yk == memberRejected:
		rule, msg := closedRule(p, via, x)
		j.suspect(rule, msg, orSelf(xs, x), orSelf(ys, y), child, j.gen.valid(xs))
	case xk == memberAny:
		rule := "PROPERTY_ADDED_TO_OPEN"
		msg := fmt.Sprintf("%q is now constrained, though the open object accepted any value for it", p)
		if p == extraName {
			rule, msg = ruleFor(via), fmt.Sprintf("members not named are now judged by %s", via)
		}
		j.suspect(rule, msg, x, ys, child, rejectedBy(ys, j.gen.valid(nil)))
	default:
		j.node(xs, ys, child, depth+1)
	}
}

func closedRule(p, via string, x *jsonschema.Schema) (string, string) {
	if p == extraName {
		return ruleFor(via), fmt.Sprintf("members not named are now refused (%s)", via)
	}
	if _, ok := x.Properties[p]; ok {
		return "PROPERTY_REMOVED_FROM_CLOSED", fmt.Sprintf("%q was removed and the object is closed (%s)", p, via)
	}
	return ruleFor(via), fmt.Sprintf("%q is now refused (%s)", p, via)
}

func ruleFor(via string) string {
	if via == "unevaluatedProperties" {
		return "UNEVALUATED_PROPERTIES_NARROWED"
	}
	return "ADDITIONAL_PROPERTIES_NARROWED"
}

func orSelf(s, self *jsonschema.Schema) *jsonschema.Schema {
	if s == nil {
		return self
	}
	return s
}

// rejectedBy keeps the values s refuses judged alone, then adds values of
// every type, since in context a value s accepts alone may still break.
func rejectedBy(s *jsonschema.Schema, vs []any) []any {
	var out []any
	for _, v := range append(vs, anyValues()...) {
		if s.Validate(v) != nil {
			out = append(out, v)
		}
	}
	return out
}

func (j *judgement) counts(x, y *jsonschema.Schema, at place) {
	lo := y.MinProperties > max(x.MinProperties, 0)
	hi := y.MaxProperties >= 0 && (x.MaxProperties < 0 || x.MaxProperties > y.MaxProperties)
	if !lo && !hi {
		return
	}
	var cands []any
	for _, b := range j.baseObjects(x) {
		cands = append(cands, b)
		grown := mergeObjects(b, nil)
		for i := 0; len(grown) <= y.MaxProperties; i++ {
			grown[fmt.Sprintf("%s-%d", extraName, i)] = anyValues()[0]
		}
		cands = append(cands, grown)
	}
	j.suspect("PROPERTY_COUNT_NARROWED", "minProperties/maxProperties narrowed", x, y, at, cands)
}
