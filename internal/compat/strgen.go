package compat

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// formatSamples are values each format accepts, for instances that must
// pass a schema with that format.
var formatSamples = map[string][]string{
	"date-time":             {"2026-01-02T03:04:05Z"},
	"date":                  {"2026-01-02"},
	"time":                  {"03:04:05Z"},
	"duration":              {"P1D"},
	"email":                 {"a@example.com"},
	"idn-email":             {"a@example.com"},
	"hostname":              {"example.com"},
	"idn-hostname":          {"example.com"},
	"ipv4":                  {"192.0.2.1"},
	"ipv6":                  {"2001:db8::1"},
	"uri":                   {"https://example.com/a"},
	"uri-reference":         {"/a"},
	"iri":                   {"https://example.com/a"},
	"iri-reference":         {"/a"},
	"uri-template":          {"/a/{b}"},
	"uuid":                  {"123e4567-e89b-12d3-a456-426614174000"},
	"json-pointer":          {"/a"},
	"relative-json-pointer": {"0/a"},
	"regex":                 {"^a$"},
}

// plainStrings are strings that many formats and patterns refuse: the
// first candidates for "the new schema constrains this string more".
var plainStrings = []string{"", "a", "0", "not a value", " ", "a@", "-1", "2026-13-45", "x/y", "ÿ"}

// stringsFor proposes strings for s: samples of its format, strings its
// pattern generates, and plain ones, each stretched to its length bounds.
func stringsFor(s *jsonschema.Schema) []string {
	var base []string
	base = append(base, formatSamples[s.Format]...)
	if s.Pattern != nil {
		base = append(base, patternStrings(s.Pattern, 24)...)
	}
	base = append(base, plainStrings...)
	out := make([]string, 0, len(base)*2)
	for _, b := range base {
		out = append(out, b, fitLength(b, s.MinLength, s.MaxLength))
	}
	return out
}

// stringValues is stringsFor as JSON values.
func stringValues(s *jsonschema.Schema) []any {
	ss := stringsFor(s)
	out := make([]any, len(ss))
	for i, x := range ss {
		out[i] = x
	}
	return out
}

// fitLength pads or cuts s to lie within [min, max] characters (-1: no
// bound).
func fitLength(s string, min, max int) string {
	n := utf8.RuneCountInString(s)
	if min > n {
		pad := "a"
		if n > 0 {
			r, _ := utf8.DecodeLastRuneInString(s)
			pad = string(r)
		}
		return s + strings.Repeat(pad, min-n)
	}
	if max >= 0 && n > max {
		return string([]rune(s)[:max])
	}
	return s
}

// patternStrings generates strings re matches: a systematic walk of its
// syntax tree, then seeded random walks, so that runs repeat exactly.
func patternStrings(re *regexp.Regexp, n int) []string {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	tree = tree.Simplify()
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && re.MatchString(s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range enumerate(tree, 8) {
		add(s)
	}
	r := rand.New(rand.NewPCG(15, uint64(len(re.String()))))
	// Matching costs about len(pattern) x len(string), and strings are
	// about as long as the pattern: a budget of bytes keeps a huge
	// pattern from costing seconds.
	budget := maxGenBytes
	for i := 0; i < 4*n && len(out) < n && budget > 0; i++ {
		var b strings.Builder
		randomWalk(tree, r, &b, 0)
		budget -= b.Len() + len(re.String())
		add(b.String())
	}
	return out
}

// maxGenBytes bounds the bytes of strings generated and matched for one
// pattern.
const maxGenBytes = 1 << 16

// enumerate lists up to limit strings of the language of t, each node
// contributing its simplest choices.
func enumerate(t *syntax.Regexp, limit int) []string {
	switch t.Op {
	case syntax.OpLiteral:
		return []string{string(t.Rune)}
	case syntax.OpCharClass:
		return classSamples(t.Rune)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return []string{"a", "0", " "}
	case syntax.OpCapture:
		return enumerate(t.Sub[0], limit)
	case syntax.OpStar, syntax.OpQuest:
		return capList(append([]string{""}, enumerate(t.Sub[0], limit)...), limit)
	case syntax.OpPlus:
		return enumerate(t.Sub[0], limit)
	case syntax.OpRepeat:
		return repeatSamples(t, limit)
	case syntax.OpConcat:
		acc := []string{""}
		for _, sub := range t.Sub {
			acc = product(acc, enumerate(sub, limit), limit)
		}
		return acc
	case syntax.OpAlternate:
		var out []string
		for _, sub := range t.Sub {
			out = append(out, enumerate(sub, limit)...)
		}
		return capList(out, limit)
	}
	return []string{""}
}

func repeatSamples(t *syntax.Regexp, limit int) []string {
	subs := enumerate(t.Sub[0], limit)
	if len(subs) == 0 {
		return nil
	}
	var out []string
	for _, n := range []int{t.Min, t.Max} {
		if n < 0 || n > 64 {
			continue
		}
		for _, s := range subs[:min(2, len(subs))] {
			out = append(out, strings.Repeat(s, n))
		}
	}
	return capList(out, limit)
}

func product(a, b []string, limit int) []string {
	out := make([]string, 0, min(len(a)*len(b), limit))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
			if len(out) == limit {
				return out
			}
		}
	}
	return out
}

func capList(s []string, limit int) []string {
	if len(s) > limit {
		return s[:limit]
	}
	return s
}

// classSamples picks a few runes of a character class: each range's ends
// and, where present, a letter and a digit.
func classSamples(ranges []rune) []string {
	var out []string
	for i := 0; i+1 < len(ranges) && len(out) < 6; i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		out = append(out, string(lo))
		if hi != lo {
			out = append(out, string(hi))
		}
		for _, c := range []rune{'a', '5', 'Z'} {
			if lo <= c && c <= hi && c != lo && c != hi {
				out = append(out, string(c))
			}
		}
	}
	return out
}

func randomWalk(t *syntax.Regexp, r *rand.Rand, b *strings.Builder, depth int) {
	if depth > 50 || b.Len() > 256 {
		return
	}
	switch t.Op {
	case syntax.OpLiteral:
		b.WriteString(string(t.Rune))
	case syntax.OpCharClass:
		if len(t.Rune) >= 2 {
			i := 2 * r.IntN(len(t.Rune)/2)
			lo, hi := t.Rune[i], t.Rune[i+1]
			b.WriteRune(lo + rune(r.Int32N(int32(min(hi-lo, 0x7f))+1)))
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune(rune(' ' + r.IntN(95)))
	case syntax.OpCapture:
		randomWalk(t.Sub[0], r, b, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatBounds(t)
		for range lo + r.IntN(hi-lo+1) {
			randomWalk(t.Sub[0], r, b, depth+1)
		}
	case syntax.OpConcat:
		for _, sub := range t.Sub {
			randomWalk(sub, r, b, depth+1)
		}
	case syntax.OpAlternate:
		randomWalk(t.Sub[r.IntN(len(t.Sub))], r, b, depth+1)
	}
}

func repeatBounds(t *syntax.Regexp) (int, int) {
	switch t.Op {
	case syntax.OpStar:
		return 0, 3
	case syntax.OpPlus:
		return 1, 4
	case syntax.OpQuest:
		return 0, 1
	}
	hi := t.Max
	if hi < 0 || hi > t.Min+4 {
		hi = t.Min + 4
	}
	return t.Min, hi
}
