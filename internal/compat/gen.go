package compat

import (
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// maxDepth bounds the generator's descent through recursive schemas.
const maxDepth = 10

// perNode caps the candidates kept for one schema node, so that the
// number of whole instances built from them stays small.
const perNode = 6

// gen builds instances a schema accepts: the raw material of
// counterexamples. Every value it returns has passed the node's own
// compiled schema; a caller still verifies the whole instance at the
// roots, since a node judged alone can differ from the node in context.
type gen struct {
	memo map[*jsonschema.Schema][]any
	busy map[*jsonschema.Schema]bool
}

func newGen() *gen {
	return &gen{memo: map[*jsonschema.Schema][]any{}, busy: map[*jsonschema.Schema]bool{}}
}

// valid returns up to perNode values s accepts, simplest first.
func (g *gen) valid(s *jsonschema.Schema) []any {
	return g.validAt(s, 0)
}

func (g *gen) validAt(s *jsonschema.Schema, depth int) []any {
	if s == nil {
		return []any{json.Number("0"), "a", nil, true, map[string]any{}, []any{}}
	}
	if v, ok := g.memo[s]; ok {
		return v
	}
	if depth > maxDepth || g.busy[s] {
		return nil
	}
	g.busy[s] = true
	var out []any
	for _, c := range g.raw(s, depth) {
		if s.Validate(c) == nil && !containsValue(out, c) {
			out = append(out, c)
			if len(out) == perNode {
				break
			}
		}
	}
	delete(g.busy, s)
	g.memo[s] = out
	return out
}

// raw proposes values for s without checking them against it.
func (g *gen) raw(s *jsonschema.Schema, depth int) []any {
	if s.Always != nil {
		if *s.Always {
			return g.validAt(nil, depth)
		}
		return nil
	}
	if len(s.Constant) > 0 {
		return []any{s.Constant[0]}
	}
	if s.Enum != nil {
		return s.Enum
	}
	var out []any
	if s.Ref != nil {
		out = append(out, g.merged(s, g.validAt(s.Ref, depth+1), depth)...)
	}
	for _, b := range s.AllOf {
		out = append(out, g.merged(s, g.validAt(b, depth+1), depth)...)
	}
	if len(s.AllOf) > 1 {
		out = append(out, mergeAll(g, s.AllOf, depth)...)
	}
	for _, b := range append(append([]*jsonschema.Schema{}, s.OneOf...), s.AnyOf...) {
		out = append(out, g.merged(s, g.validAt(b, depth+1), depth)...)
	}
	if s.DynamicRef != nil {
		out = append(out, g.validAt(s.DynamicRef, depth+1)...)
	}
	if s.RecursiveRef != nil {
		out = append(out, g.validAt(s.RecursiveRef, depth+1)...)
	}
	for _, t := range typesOf(s) {
		out = append(out, g.ofType(s, t, depth)...)
	}
	return out
}

// merged completes objects a branch proposes with the members s itself
// requires, so that a $ref or allOf beside properties still yields
// instances of the whole.
func (g *gen) merged(s *jsonschema.Schema, vs []any, depth int) []any {
	own := g.objects(s, depth)
	if len(own) == 0 {
		return vs
	}
	out := make([]any, 0, len(vs)*2)
	for _, v := range vs {
		m, ok := v.(map[string]any)
		if !ok {
			out = append(out, v)
			continue
		}
		for _, o := range own[:1] {
			out = append(out, mergeObjects(o.(map[string]any), m))
		}
		out = append(out, v)
	}
	return out
}

func mergeAll(g *gen, branches []*jsonschema.Schema, depth int) []any {
	acc := map[string]any{}
	for _, b := range branches {
		vs := g.validAt(b, depth+1)
		found := false
		for _, v := range vs {
			if m, ok := v.(map[string]any); ok {
				acc = mergeObjects(acc, m)
				found = true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return []any{acc}
}

func mergeObjects(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// allTypes lists JSON's types in the order the generator tries them.
var allTypes = []string{"object", "string", "integer", "number", "boolean", "null", "array"}

// typesOf is what s allows, or, when it does not say, the types its
// keywords are about, then every other.
func typesOf(s *jsonschema.Schema) []string {
	if len(s.Types) > 0 {
		return s.Types
	}
	var hinted []string
	if len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties != nil || s.MinProperties > 0 {
		hinted = append(hinted, "object")
	}
	if s.Pattern != nil || s.MinLength >= 0 || s.MaxLength >= 0 || s.Format != "" {
		hinted = append(hinted, "string")
	}
	if s.Minimum != nil || s.Maximum != nil || s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil {
		hinted = append(hinted, "integer", "number")
	}
	if s.Items2020 != nil || s.Items != nil || len(s.PrefixItems) > 0 || s.MinItems > 0 {
		hinted = append(hinted, "array")
	}
	for _, t := range allTypes {
		if !slices.Contains(hinted, t) {
			hinted = append(hinted, t)
		}
	}
	return hinted
}

func (g *gen) ofType(s *jsonschema.Schema, t string, depth int) []any {
	switch t {
	case "null":
		return []any{nil}
	case "boolean":
		return []any{true, false}
	case "integer", "number":
		return numbersFor(s, t == "integer")
	case "string":
		return stringValues(s)
	case "object":
		return g.objects(s, depth)
	case "array":
		return g.arrays(s, depth)
	}
	return nil
}

// objects proposes the object with only the required members, then the
// one with every declared member.
func (g *gen) objects(s *jsonschema.Schema, depth int) []any {
	if s.Always != nil || (len(s.Types) > 0 && !slices.Contains(s.Types, "object")) {
		return nil
	}
	min := map[string]any{}
	for _, p := range s.Required {
		if v := g.first(g.memberSchema(s, p), depth); v != nil {
			min[p] = *v
		}
	}
	full := mergeObjects(min, nil)
	for _, p := range slices.Sorted(maps.Keys(s.Properties)) {
		if _, ok := full[p]; !ok {
			if v := g.first(s.Properties[p], depth); v != nil {
				full[p] = *v
			}
		}
	}
	for i := 0; len(min) < s.MinProperties && i < s.MinProperties+len(s.Properties); i++ {
		min["p"+itoa(i)] = json.Number("0")
	}
	return []any{min, full}
}

// memberSchema is the schema s applies to member p.
func (g *gen) memberSchema(s *jsonschema.Schema, p string) *jsonschema.Schema {
	if ps, ok := s.Properties[p]; ok {
		return ps
	}
	for re, ps := range s.PatternProperties {
		if re.MatchString(p) {
			return ps
		}
	}
	if a, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		return a
	}
	return nil
}

func (g *gen) first(s *jsonschema.Schema, depth int) *any {
	vs := g.validAt(s, depth+1)
	if len(vs) == 0 {
		return nil
	}
	return &vs[0]
}

func (g *gen) arrays(s *jsonschema.Schema, depth int) []any {
	if len(s.Types) > 0 && !slices.Contains(s.Types, "array") {
		return nil
	}
	n := max(s.MinItems, 0)
	if l := len(prefixOf(s)); l > n {
		n = l
	}
	build := func(n int) []any {
		arr := make([]any, 0, n)
		for i := range n {
			v := g.first(itemSchema(s, i), depth)
			if v == nil {
				return nil
			}
			arr = append(arr, *v)
		}
		return arr
	}
	out := []any{}
	if a := build(n); a != nil || n == 0 {
		out = append(out, orEmpty(a))
	}
	if a := build(n + 1); a != nil {
		out = append(out, a)
	}
	return out
}

func orEmpty(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

// numbersFor proposes numbers at and around every bound s states.
func numbersFor(s *jsonschema.Schema, integer bool) []any {
	var pts []*big.Rat
	for _, b := range []*big.Rat{s.Minimum, s.ExclusiveMinimum, s.Maximum, s.ExclusiveMaximum} {
		if b != nil {
			pts = append(pts, around(b)...)
		}
	}
	if s.MultipleOf != nil {
		m := s.MultipleOf
		pts = append(pts, new(big.Rat).Set(m), new(big.Rat).Mul(m, big.NewRat(2, 1)))
		if s.Minimum != nil {
			pts = append(pts, ceilMultiple(s.Minimum, m))
		}
	}
	pts = append(pts, big.NewRat(0, 1), big.NewRat(1, 1), big.NewRat(-1, 1), big.NewRat(1, 2))
	out := make([]any, 0, len(pts))
	for _, p := range pts {
		if integer && !p.IsInt() {
			continue
		}
		out = append(out, ratNumber(p))
	}
	return out
}

// around is a bound, one either side of it, and a half either side.
func around(b *big.Rat) []*big.Rat {
	one, half := big.NewRat(1, 1), big.NewRat(1, 2)
	return []*big.Rat{new(big.Rat).Set(b), new(big.Rat).Add(b, one), new(big.Rat).Sub(b, one),
		new(big.Rat).Add(b, half), new(big.Rat).Sub(b, half)}
}

func ceilMultiple(x, m *big.Rat) *big.Rat {
	q := new(big.Rat).Quo(x, m)
	n := new(big.Int).Quo(q.Num(), q.Denom())
	if !q.IsInt() && q.Sign() > 0 {
		n.Add(n, big.NewInt(1))
	}
	return new(big.Rat).Mul(new(big.Rat).SetInt(n), m)
}

// ratNumber writes r as a JSON number the validators read exactly.
func ratNumber(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	s := r.FloatString(20)
	s = strings.TrimRight(s, "0")
	return json.Number(strings.TrimSuffix(s, "."))
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if jsonEqual(x, v) {
			return true
		}
	}
	return false
}

// jsonEqual compares two JSON values by their canonical encodings
// (encoding/json sorts object keys).
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
