package compat

import (
	"reflect"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// flatten merges a schema's in-place applicators (a $ref beside other
// keywords, allOf branches) into one schema, so that the rules can read
// the keywords of x's whole conjunction where y states them in one
// place. It merges only when no keyword is stated twice and no part
// closes an object or array (additionalProperties, unevaluated*, items
// beside prefixItems), since only then is the merged schema the same
// conjunction; otherwise it returns s as it is.
func flatten(s *jsonschema.Schema, depth int) *jsonschema.Schema {
	if s == nil || depth > 8 || (s.Ref == nil && len(s.AllOf) == 0) {
		return s
	}
	own := *s
	own.Ref, own.AllOf = nil, nil
	parts := []*jsonschema.Schema{&own}
	if s.Ref != nil {
		parts = append(parts, flatten(deref(s.Ref), depth+1))
	}
	for _, b := range s.AllOf {
		parts = append(parts, flatten(deref(b), depth+1))
	}
	merged := own
	for _, p := range parts[1:] {
		if p == nil || p.Ref != nil || len(p.AllOf) > 0 || !mergeInto(&merged, p) {
			return s
		}
	}
	if closes(&merged) && len(parts) > 1 {
		return s
	}
	return &merged
}

// closes reports whether s has a keyword whose meaning depends on its
// siblings in the same schema object, which a merge would change.
func closes(s *jsonschema.Schema) bool {
	return s.AdditionalProperties != nil || s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil ||
		s.AdditionalItems != nil
}

// unset are the values the compiler gives keywords a schema does not
// state, where they are not the zero value.
func unset(name string, v reflect.Value) bool {
	switch name {
	case "MinProperties", "MaxProperties", "MinItems", "MaxItems", "MinLength", "MaxLength", "MaxContains":
		return v.Int() == -1
	case "MinContains":
		return v.Int() == 1
	case "Location", "Draft", "Title", "Description", "Default", "Comment", "ReadOnly", "WriteOnly",
		"Examples", "Deprecated", "Extensions", "ContainsEval":
		return true // annotations and bookkeeping: not keywords to merge
	}
	return v.IsZero()
}

// mergeInto copies into dst every keyword src states; it fails when dst
// states it too.
func mergeInto(dst, src *jsonschema.Schema) bool {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	t := d.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || unset(f.Name, s.Field(i)) {
			continue
		}
		if !unset(f.Name, d.Field(i)) {
			return false
		}
		d.Field(i).Set(s.Field(i))
	}
	return true
}
