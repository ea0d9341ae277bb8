package compat

import (
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// same reports whether two compiled schemas state the same constraints,
// comparing every validation keyword (annotations do not count). A pair
// met again on a cycle is taken as equal, which is the coinductive
// reading recursive schemas need.
func same(a, b *jsonschema.Schema) bool {
	return (&sameness{seen: map[[2]*jsonschema.Schema]bool{}}).eq(a, b)
}

type sameness struct {
	seen map[[2]*jsonschema.Schema]bool
}

func (s *sameness) eq(a, b *jsonschema.Schema) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	k := [2]*jsonschema.Schema{a, b}
	if s.seen[k] {
		return true
	}
	s.seen[k] = true
	return boolPtrEq(a.Always, b.Always) && s.eq(a.Ref, b.Ref) && s.eq(a.DynamicRef, b.DynamicRef) &&
		s.eq(a.RecursiveRef, b.RecursiveRef) && setEq(a.Types, b.Types) &&
		valuesEq(a.Constant, b.Constant) && valuesEq(a.Enum, b.Enum) && s.eq(a.Not, b.Not) &&
		s.list(a.AllOf, b.AllOf) && s.list(a.AnyOf, b.AnyOf) && s.list(a.OneOf, b.OneOf) &&
		s.eq(a.If, b.If) && s.eq(a.Then, b.Then) && s.eq(a.Else, b.Else) &&
		s.objectEq(a, b) && s.arrayEq(a, b) && s.scalarEq(a, b)
}

func (s *sameness) objectEq(a, b *jsonschema.Schema) bool {
	return a.MinProperties == b.MinProperties && a.MaxProperties == b.MaxProperties &&
		setEq(a.Required, b.Required) && maps.EqualFunc(a.Properties, b.Properties, s.eq) &&
		s.patterns(a, b) && maps.EqualFunc(a.DependentSchemas, b.DependentSchemas, s.eq) &&
		jsonEqual(a.DependentRequired, b.DependentRequired) && maps.EqualFunc(a.Dependencies, b.Dependencies, s.either) &&
		s.eq(a.PropertyNames, b.PropertyNames) && s.eq(a.UnevaluatedProperties, b.UnevaluatedProperties) &&
		s.either(a.AdditionalProperties, b.AdditionalProperties)
}

// patterns compares patternProperties by each pattern's source.
func (s *sameness) patterns(a, b *jsonschema.Schema) bool {
	if len(a.PatternProperties) != len(b.PatternProperties) {
		return false
	}
	pb := map[string]*jsonschema.Schema{}
	for re, v := range b.PatternProperties {
		pb[re.String()] = v
	}
	for re, v := range a.PatternProperties {
		if !s.eq(v, pb[re.String()]) {
			return false
		}
	}
	return true
}

func (s *sameness) arrayEq(a, b *jsonschema.Schema) bool {
	return a.MinItems == b.MinItems && a.MaxItems == b.MaxItems && a.UniqueItems == b.UniqueItems &&
		s.either(a.Items, b.Items) && s.either(a.AdditionalItems, b.AdditionalItems) &&
		s.list(a.PrefixItems, b.PrefixItems) && s.eq(a.Items2020, b.Items2020) && s.eq(a.Contains, b.Contains) &&
		a.MinContains == b.MinContains && a.MaxContains == b.MaxContains && s.eq(a.UnevaluatedItems, b.UnevaluatedItems)
}

func (s *sameness) scalarEq(a, b *jsonschema.Schema) bool {
	return a.MinLength == b.MinLength && a.MaxLength == b.MaxLength && patternEq(a, b) && a.Format == b.Format &&
		a.ContentEncoding == b.ContentEncoding && a.ContentMediaType == b.ContentMediaType &&
		s.eq(a.ContentSchema, b.ContentSchema) && ratEq(a.Minimum, b.Minimum) && ratEq(a.Maximum, b.Maximum) &&
		ratEq(a.ExclusiveMinimum, b.ExclusiveMinimum) && ratEq(a.ExclusiveMaximum, b.ExclusiveMaximum) &&
		ratEq(a.MultipleOf, b.MultipleOf)
}

func (s *sameness) list(a, b []*jsonschema.Schema) bool { return slices.EqualFunc(a, b, s.eq) }

// either compares the keywords that hold a bool, a schema, a list of
// schemas or a list of names.
func (s *sameness) either(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case *jsonschema.Schema:
		y, ok := b.(*jsonschema.Schema)
		return ok && s.eq(x, y)
	case []*jsonschema.Schema:
		y, ok := b.([]*jsonschema.Schema)
		return ok && s.list(x, y)
	}
	return jsonEqual(a, b)
}

func patternEq(a, b *jsonschema.Schema) bool {
	if a.Pattern == nil || b.Pattern == nil {
		return a.Pattern == b.Pattern
	}
	return a.Pattern.String() == b.Pattern.String()
}

func boolPtrEq(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func ratEq(a, b *big.Rat) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Cmp(b) == 0)
}

func setEq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := append([]string{}, a...), append([]string{}, b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func valuesEq(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !valueEq(a[i], b[i]) {
			return false
		}
	}
	return true
}

// valueEq is JSON equality with numbers compared by value (1.0 == 1).
func valueEq(a, b any) bool {
	na, oka := a.(json.Number)
	nb, okb := b.(json.Number)
	if oka && okb {
		x, ok1 := new(big.Rat).SetString(string(na))
		y, ok2 := new(big.Rat).SetString(string(nb))
		return ok1 && ok2 && x.Cmp(y) == 0
	}
	return jsonEqual(a, b)
}
