package validate

import (
	"encoding/json"
	"unicode/utf8"
)

// maxUniqueFast bounds the quadratic uniqueItems check; longer arrays go
// to the authority, which hashes.
const maxUniqueFast = 64

// valid reports whether v certainly matches n. False means "ask the
// authority": the instance may still be valid.
func (n *fastNode) valid(v any) bool {
	if n.always != nil {
		return *n.always
	}
	if n.types != 0 && !n.typeOK(v) {
		return false
	}
	if n.hasEnum && !n.inEnum(v) {
		return false
	}
	if n.format != nil && !n.format(v) {
		return false
	}
	if n.ref != nil && !n.ref.valid(v) {
		return false
	}
	for _, a := range n.allOf {
		if !a.valid(v) {
			return false
		}
	}
	switch v := v.(type) {
	case map[string]any:
		return n.object(v)
	case []any:
		return n.array(v)
	case string:
		return n.str(v)
	case json.Number:
		return n.number(string(v))
	case bool, nil:
		return true
	}
	return false // a Go type the parser never makes: the authority decides
}

func (n *fastNode) typeOK(v any) bool {
	switch v := v.(type) {
	case nil:
		return n.types&tNull != 0
	case bool:
		return n.types&tBoolean != 0
	case string:
		return n.types&tString != 0
	case []any:
		return n.types&tArray != 0
	case map[string]any:
		return n.types&tObject != 0
	case json.Number:
		if n.types&tNumber != 0 {
			return true
		}
		// "1.0" and "1e2" are integers too; only plain digits are decided here.
		d, ok := parseDecimal(string(v))
		return n.types&tInteger != 0 && ok && !d.frac
	}
	return false
}

func (n *fastNode) inEnum(v any) bool {
	switch v.(type) {
	case string, bool, nil:
		for _, e := range n.enum {
			if e == v {
				return true
			}
		}
	}
	return false
}

func (n *fastNode) object(m map[string]any) bool {
	if (n.minProps >= 0 && len(m) < n.minProps) || (n.maxProps >= 0 && len(m) > n.maxProps) {
		return false
	}
	for _, r := range n.required {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	if n.addl != addlSchema {
		return n.declared(m)
	}
	for k, v := range m {
		if p, ok := n.props[k]; ok {
			if !p.valid(v) {
				return false
			}
			continue
		}
		switch n.addl {
		case addlDeny:
			return false
		case addlSchema:
			if !n.addlNode.valid(v) {
				return false
			}
		}
	}
	return true
}

// declared checks the declared properties by lookup, which is much cheaper
// than iterating the instance's map; counting the hits tells whether any
// other property is present, which only matters when they are denied.
func (n *fastNode) declared(m map[string]any) bool {
	hits := 0
	for _, p := range n.propList {
		v, ok := m[p.name]
		if !ok {
			continue
		}
		hits++
		if !p.node.valid(v) {
			return false
		}
	}
	return n.addl != addlDeny || hits == len(m)
}

func (n *fastNode) array(a []any) bool {
	if (n.minItems >= 0 && len(a) < n.minItems) || (n.maxItems >= 0 && len(a) > n.maxItems) {
		return false
	}
	if n.unique && !uniqueStrings(a) {
		return false
	}
	if n.items != nil {
		for _, v := range a {
			if !n.items.valid(v) {
				return false
			}
		}
	}
	return true
}

// uniqueStrings decides uniqueness for short arrays of strings; any other
// element type is compared by value, which is the authority's job.
func uniqueStrings(a []any) bool {
	if len(a) > maxUniqueFast {
		return false
	}
	for i, x := range a {
		xs, ok := x.(string)
		if !ok {
			return false
		}
		for _, y := range a[:i] {
			if y.(string) == xs {
				return false
			}
		}
	}
	return true
}

func (n *fastNode) str(s string) bool {
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if (n.minLen >= 0 && l < n.minLen) || (n.maxLen >= 0 && l > n.maxLen) {
			return false
		}
	}
	if n.simple != nil {
		return n.simple.match(s)
	}
	return n.pattern == nil || n.pattern.MatchString(s)
}
