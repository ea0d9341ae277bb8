package compat

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// types: y's type keyword must let through every type x does; integer
// lies inside number, so number → integer narrows and the reverse widens.
func (j *judgement) types(x, y *jsonschema.Schema, at place) {
	if len(y.Types) == 0 {
		return
	}
	xs := x.Types
	if len(xs) == 0 {
		xs = allTypes
	}
	var lost []string
	var candidates []any
	for _, t := range xs {
		switch {
		case allows(y, t):
		case t == "number" && allows(y, "integer"):
			lost = append(lost, "non-integer numbers")
			for _, n := range numbersFor(x, false) {
				if !isInt(n) {
					candidates = append(candidates, n)
				}
			}
		default:
			lost = append(lost, t)
			candidates = append(candidates, j.gen.ofType(x, t, 0)...)
		}
	}
	if len(lost) > 0 {
		j.suspect("TYPE_NARROWED", fmt.Sprintf("type %s no longer takes %s", typeList(y.Types), strings.Join(lost, ", ")),
			x, y, at, candidates)
	}
}

func typeList(ts []string) string {
	if len(ts) == 1 {
		return ts[0]
	}
	return "[" + strings.Join(ts, ", ") + "]"
}

func isInt(v any) bool {
	r, ok := ratOf(v)
	return ok && r.IsInt()
}

// values: enum and const. y's allowed values must include every value x
// allows.
func (j *judgement) values(x, y *jsonschema.Schema, at place) {
	yv, yRule := allowed(y)
	if yv == nil {
		return
	}
	xv, _ := allowed(x)
	if xv != nil {
		var lost []any
		for _, v := range xv {
			if !containsValue(yv, v) {
				lost = append(lost, v)
			}
		}
		if len(lost) > 0 {
			j.suspect(yRule, fmt.Sprintf("%s no longer allows %s", keywordOf(yRule), show(lost[0])), x, y, at, lost)
		}
		return
	}
	var cands []any
	for _, v := range append(j.gen.valid(x), j.gen.raw(x, 0)...) {
		if !containsValue(yv, v) {
			cands = append(cands, v)
		}
	}
	j.suspect(yRule, fmt.Sprintf("%s added: only %s allowed", keywordOf(yRule), show(yv)), x, y, at, cands)
}

// allowed is s's finite set of values, and the rule that names a change
// to it.
func allowed(s *jsonschema.Schema) ([]any, string) {
	if len(s.Constant) > 0 {
		return s.Constant[:1], "CONST_CHANGED"
	}
	if s.Enum != nil {
		return s.Enum, "ENUM_NARROWED"
	}
	return nil, ""
}

func keywordOf(rule string) string {
	if rule == "CONST_CHANGED" {
		return "const"
	}
	return "enum"
}

// bound is one end of a numeric range.
type bound struct {
	v         *big.Rat
	exclusive bool
}

func lower(s *jsonschema.Schema) *bound {
	return tighter(s.Minimum, s.ExclusiveMinimum, 1)
}

func upper(s *jsonschema.Schema) *bound {
	return tighter(s.Maximum, s.ExclusiveMaximum, -1)
}

// tighter picks the stricter of an inclusive and an exclusive bound;
// sign is 1 for lower bounds, -1 for upper ones.
func tighter(incl, excl *big.Rat, sign int) *bound {
	switch {
	case incl == nil && excl == nil:
		return nil
	case excl == nil:
		return &bound{v: incl}
	case incl == nil || excl.Cmp(incl)*sign >= 0:
		return &bound{v: excl, exclusive: true}
	}
	return &bound{v: incl}
}

// narrower reports whether y's bound cuts off values x's lets through.
func narrower(x, y *bound, sign int) bool {
	if y == nil {
		return false
	}
	if x == nil {
		return true
	}
	c := y.v.Cmp(x.v) * sign
	return c > 0 || (c == 0 && y.exclusive && !x.exclusive)
}

func (j *judgement) numbers(x, y *jsonschema.Schema, at place) {
	cands := func() []any {
		out := numbersFor(x, false)
		return append(out, numbersFor(y, false)...)
	}
	if narrower(lower(x), lower(y), 1) || narrower(upper(x), upper(y), -1) {
		j.suspect("NUMBER_RANGE_NARROWED", "numeric range narrowed to "+rangeText(lower(y), upper(y)), x, y, at, cands())
	}
	if y.MultipleOf != nil && (x.MultipleOf == nil || !new(big.Rat).Quo(x.MultipleOf, y.MultipleOf).IsInt()) {
		j.suspect("MULTIPLE_OF_CHANGED", "multipleOf "+y.MultipleOf.RatString()+" added or changed", x, y, at, cands())
	}
}

func rangeText(lo, hi *bound) string {
	s := ""
	if lo != nil {
		s = lo.v.RatString() + " <"
		if !lo.exclusive {
			s += "="
		}
		s += " "
	}
	s += "x"
	if hi != nil {
		s += " <"
		if !hi.exclusive {
			s += "="
		}
		s += " " + hi.v.RatString()
	}
	return s
}

func (j *judgement) strings(x, y *jsonschema.Schema, at place) {
	if y.MinLength > max(x.MinLength, 0) || (y.MaxLength >= 0 && (x.MaxLength < 0 || x.MaxLength > y.MaxLength)) {
		var cands []any
		for _, n := range []int{y.MinLength - 1, y.MaxLength + 1, x.MinLength, x.MaxLength} {
			if n >= 0 {
				for _, s := range stringsFor(x) {
					cands = append(cands, fitLength(s, n, n))
				}
			}
		}
		j.suspect("STRING_LENGTH_NARROWED", fmt.Sprintf("string length narrowed to %s", lengthText(y.MinLength, y.MaxLength)),
			x, y, at, cands)
	}
	if j.assertFormat && y.Format != "" && y.Format != x.Format {
		msg := fmt.Sprintf("format %q added", y.Format)
		if x.Format != "" {
			msg = fmt.Sprintf("format changed from %q to %q", x.Format, y.Format)
		}
		j.suspect("FORMAT_ADDED", msg, x, y, at, formatCandidates(x))
	}
	if y.Pattern != nil && (x.Pattern == nil || x.Pattern.String() != y.Pattern.String()) {
		msg := fmt.Sprintf("pattern /%s/ added", y.Pattern.String())
		if x.Pattern != nil {
			msg = fmt.Sprintf("pattern changed from /%s/ to /%s/", x.Pattern.String(), y.Pattern.String())
		}
		j.suspect("PATTERN_CHANGED", msg, x, y, at, patternCandidates(x, y))
	}
}

func lengthText(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d", lo)
	case lo <= 0:
		return fmt.Sprintf("at most %d", hi)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

func formatCandidates(x *jsonschema.Schema) []any {
	out := stringValues(x)
	for _, samples := range formatSamples {
		for _, s := range samples {
			out = append(out, fitLength(s, x.MinLength, x.MaxLength))
		}
	}
	return out
}

// patternCandidates searches for strings x's pattern takes and y's does
// not: strings generated from x's pattern and y's, and small edits of
// each (a character dropped, changed or added), all within x's lengths.
func patternCandidates(x, y *jsonschema.Schema) []any {
	var pool []string
	if x.Pattern != nil {
		pool = append(pool, patternStrings(x.Pattern, 200)...)
	}
	pool = append(pool, patternStrings(y.Pattern, 100)...)
	pool = append(pool, stringsFor(x)...)
	var out []any
	seen := map[string]bool{}
	try := func(s string) {
		s = fitLength(s, x.MinLength, x.MaxLength)
		if seen[s] || len(out) >= 64 {
			return
		}
		seen[s] = true
		if (x.Pattern == nil || x.Pattern.MatchString(s)) && !y.Pattern.MatchString(s) {
			out = append(out, s)
		}
	}
	for _, s := range pool {
		try(s)
	}
	for _, s := range pool {
		if len(out) >= 64 || len(s) > maxEdited {
			continue
		}
		for _, e := range edits(s) {
			try(e)
		}
	}
	return out
}

// maxEdited is the longest string whose one-character edits are tried:
// a string n long has about 6n of them.
const maxEdited = 64

// edits are strings one small change away from s.
func edits(s string) []string {
	r := []rune(s)
	var out []string
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
		for _, c := range []rune{'a', 'Z', '0', '-', ' '} {
			if c != r[i] {
				out = append(out, string(r[:i])+string(c)+string(r[i+1:]))
			}
		}
	}
	for _, c := range []string{"a", "0", " ", "-"} {
		out = append(out, s+c, c+s)
	}
	return out
}
