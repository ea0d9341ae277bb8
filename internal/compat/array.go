package compat

import (
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// prefixOf is s's positional item schemas: prefixItems, or the array
// form of items in drafts before 2020-12.
func prefixOf(s *jsonschema.Schema) []*jsonschema.Schema {
	if len(s.PrefixItems) > 0 {
		return s.PrefixItems
	}
	if list, ok := s.Items.([]*jsonschema.Schema); ok {
		return list
	}
	return nil
}

// itemSchema is the schema s applies to item i, nil when none does.
func itemSchema(s *jsonschema.Schema, i int) *jsonschema.Schema {
	if s == nil {
		return nil
	}
	if p := prefixOf(s); i < len(p) {
		return p[i]
	}
	if s.Items2020 != nil {
		return s.Items2020
	}
	switch it := s.Items.(type) {
	case *jsonschema.Schema:
		return it
	case []*jsonschema.Schema:
		if a, ok := s.AdditionalItems.(*jsonschema.Schema); ok {
			return a
		}
	}
	if s.UnevaluatedItems != nil && s.Contains == nil {
		return s.UnevaluatedItems
	}
	return nil
}

// itemKind is how s treats item i; "additionalItems": false in drafts
// before 2020-12 refuses items past the list.
func itemKind(s *jsonschema.Schema, i int) (*jsonschema.Schema, memberKind) {
	if _, list := s.Items.([]*jsonschema.Schema); list && i >= len(prefixOf(s)) {
		if b, ok := s.AdditionalItems.(bool); ok && !b {
			return nil, memberRejected
		}
	}
	it := itemSchema(s, i)
	if it == nil {
		return nil, memberAny
	}
	k, kind, _ := kindOf(it, "items")
	return k, kind
}

func (j *judgement) arrays(x, y *jsonschema.Schema, at place, depth int) {
	n := max(len(prefixOf(x)), len(prefixOf(y))) + 1
	for i := range n {
		xs, xk := itemKind(x, i)
		ys, yk := itemKind(y, i)
		child := j.childItem(at, x, i)
		switch {
		case xk == memberRejected || yk == memberAny:
		case yk == memberRejected:
			j.suspect("ITEMS_NARROWED", fmt.Sprintf("an array may no longer have an item %d", i),
				orSelf(xs, x), y, child, j.gen.valid(xs))
		case xk == memberAny:
			j.suspect("ITEMS_NARROWED", fmt.Sprintf("item %d is now constrained, though any value was accepted", i),
				x, ys, child, rejectedBy(ys, j.gen.valid(nil)))
		default:
			j.node(xs, ys, child, depth+1)
		}
	}
	j.arrayCounts(x, y, at)
}

func (j *judgement) arrayCounts(x, y *jsonschema.Schema, at place) {
	lo := y.MinItems > max(x.MinItems, 0)
	hi := y.MaxItems >= 0 && (x.MaxItems < 0 || x.MaxItems > y.MaxItems)
	if lo || hi {
		var cands []any
		for _, n := range []int{y.MinItems - 1, y.MaxItems + 1, x.MinItems, x.MaxItems} {
			if n >= 0 {
				for _, a := range j.baseArrays(x, n) {
					cands = append(cands, a[:n])
				}
			}
		}
		j.suspect("ARRAY_LENGTH_NARROWED", "minItems/maxItems narrowed", x, y, at, cands)
	}
	if y.UniqueItems && !x.UniqueItems {
		var cands []any
		for _, a := range j.baseArrays(x, 1) {
			cands = append(cands, []any{a[0], a[0]}, append(append([]any{}, a...), a[0]))
		}
		j.suspect("UNIQUE_ITEMS_ADDED", "items must now be unique", x, y, at, cands)
	}
}
