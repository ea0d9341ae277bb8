package codegen

import (
	"encoding/json"
	"math/big"
	"strings"
)

// goType is what a schema becomes in Go.
type goType struct {
	expr string // the Go type expression
	decl *decl  // the named type expr refers to, if the generator wrote one
	raw  bool   // the fallback: json.RawMessage
	why  string // why raw
	// nilable types (slices, maps, pointers, raw) encode a nil as null.
	nilable bool
	// definable types keep their JSON encoding as `type X <expr>`.
	definable bool
}

func rawType(why string) goType {
	return goType{expr: "json.RawMessage", raw: true, why: why, nilable: true}
}

// place is where a schema sits: its file, and the Go name that types
// defined inside it are prefixed with.
type place struct {
	file  string
	scope string
}

// shaping are keywords that change which Go type could hold the data; the
// generator expresses none of them, so a schema using one is raw. Keywords
// that only narrow values (minLength, pattern, maximum, uniqueItems, most
// formats...) need no Go counterpart: the gateway validates before it
// decodes.
var shaping = []string{"oneOf", "anyOf", "allOf", "if", "then", "else", "patternProperties",
	"dependentSchemas", "prefixItems", "additionalItems", "$dynamicRef", "$recursiveRef"}

// typeOf maps one schema node to a Go type; name is the name a type
// defined for it takes.
func (g *gen) typeOf(at place, node any, name string) goType {
	s, ok := node.(*object)
	if !ok {
		return rawType("any JSON value (the schema is a boolean)")
	}
	if ref, ok := s.get("$ref"); ok {
		return g.refType(at, s, ref, name)
	}
	for _, k := range shaping {
		if _, ok := s.get(k); ok {
			return rawType(k + " is not expressed as a Go type")
		}
	}
	if e, ok := s.get("enum"); ok {
		return g.enumType(at, e, name)
	}
	if c, ok := s.get("const"); ok {
		return g.enumType(at, []any{c}, name)
	}
	types, nullable := typesOf(s)
	if len(types) != 1 {
		if len(types) == 0 {
			return rawType("any JSON value (the schema names no type)")
		}
		return rawType("a value of several types (" + strings.Join(types, ", ") + ")")
	}
	t := g.single(at, s, types[0], name)
	if nullable && !t.raw && !t.nilable {
		return goType{expr: "*" + t.expr, decl: t.decl, nilable: true}
	}
	return t
}

func (g *gen) single(at place, s *object, typ, name string) goType {
	switch typ {
	case "string":
		if f, _ := s.get("format"); f == "date-time" {
			return goType{expr: "wire.DateTime"}
		}
		return goType{expr: "string", definable: true}
	case "integer":
		if fitsInt64(s) {
			return goType{expr: "int64", definable: true}
		}
		return goType{expr: "wire.Number"}
	case "number":
		return goType{expr: "wire.Number"}
	case "boolean":
		return goType{expr: "bool", definable: true}
	case "array":
		item := goType{expr: "json.RawMessage", raw: true, nilable: true}
		if it, ok := s.get("items"); ok {
			if _, tuple := it.([]any); tuple {
				return rawType("items as a tuple is not expressed as a Go type")
			}
			item = g.typeOf(at, it, singular(name))
		}
		if item.raw {
			g.json = true
		}
		return goType{expr: "[]" + item.expr, nilable: true, definable: true}
	case "object":
		return g.objectType(at, s, name)
	}
	return rawType("type " + typ + " has no Go type here")
}

// typesOf reads "type", splitting off "null".
func typesOf(s *object) ([]string, bool) {
	var names []string
	switch t, _ := s.get("type"); t := t.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, x := range t {
			if n, ok := x.(string); ok {
				names = append(names, n)
			}
		}
	}
	var out []string
	nullable := false
	for _, n := range names {
		if n == "null" {
			nullable = true
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 && nullable {
		return []string{"null"}, false
	}
	return out, nullable
}

// fitsInt64 says whether the schema bounds an integer to int64's range.
func fitsInt64(s *object) bool {
	lo, hi := big.NewRat(-1<<63, 1), big.NewRat(1<<63-1, 1)
	bound := func(keys ...string) (*big.Rat, bool) {
		for _, k := range keys {
			if n, ok := s.vals[k].(json.Number); ok {
				if r, ok := new(big.Rat).SetString(string(n)); ok {
					return r, true
				}
			}
		}
		return nil, false
	}
	min, okMin := bound("minimum", "exclusiveMinimum")
	max, okMax := bound("maximum", "exclusiveMaximum")
	return okMin && okMax && min.Cmp(lo) >= 0 && max.Cmp(hi) <= 0
}

// enumType writes a string enum as a named type with a constant per
// value; any other enum is raw.
func (g *gen) enumType(at place, e any, name string) goType {
	vals, _ := e.([]any)
	var strs []string
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			return rawType("an enum of values that are not all strings")
		}
		strs = append(strs, s)
	}
	if len(strs) == 0 {
		return rawType("an empty enum")
	}
	d := &decl{name: g.names.unique(name), kind: kindEnum, values: strs}
	g.add(at, d)
	return goType{expr: d.name, decl: d, definable: true}
}

// add files a declaration with its event, or with the shared types when
// it comes from a shared file.
func (g *gen) add(at place, d *decl) {
	if strings.HasPrefix(at.file, "_") {
		g.shared = append(g.shared, d)
		return
	}
	g.decls = append(g.decls, d)
}
