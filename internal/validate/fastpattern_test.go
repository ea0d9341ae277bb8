package validate

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

// patternCases are the shapes the scanner takes on, and some it must refuse.
var patternCases = []string{
	`^[A-Z]{3}-[0-9]{4}$`, `^[A-Z0-9 -]{3,10}$`, `^[A-Z]{2}$`, `^a+$`, `^ab*$`, `^x?$`, `^$`,
	`^[^a-c]{2}[é-ü]{1,3}$`, `^\d{3}\w{2,}$`, `^-\s+$`, `^[a-z]{2,4}[0-9]$`, `^(ab)+$`,
	`[A-Z]{3}`, `^[A-Z]{3}`, `^(?i)abc$`, `^a.b$`, `^a|b$`,
}

// TestSimplePatternShapes: which patterns the scanner takes on.
func TestSimplePatternShapes(t *testing.T) {
	taken := map[string]bool{`^[A-Z]{3}-[0-9]{4}$`: true, `^[A-Z0-9 -]{3,10}$`: true, `^[A-Z]{2}$`: true,
		`^a+$`: true, `^ab*$`: true, `^x?$`: true, `^$`: true, `^[^a-c]{2}[é-ü]{1,3}$`: true,
		`^\d{3}\w{2,}$`: true, `^-\s+$`: true}
	for _, p := range patternCases {
		if got := compileSimple(regexp.MustCompile(p)) != nil; got != taken[p] {
			t.Errorf("%s: taken %v, want %v", p, got, taken[p])
		}
	}
}

// FuzzSimplePattern: wherever the scanner takes a pattern on, it agrees
// with the regexp engine on every string, both ways; on invalid UTF-8 it
// may only say no, which leaves the answer to the authority.
func FuzzSimplePattern(f *testing.F) {
	for _, s := range []string{"", "ABC-1234", "AB-1234", "ABC-12345", "AB 12-3", "KR", "k", "aaa", "ab", "abbb",
		"x", "xx", "dé", "zzéü", "123ab", "123", "- \t", "ABC-123\n", "\xff\xfe",
		// ASCII first, then not: the byte-wise check must hand these on.
		"ABC-123é", "é", "zé", "zzé", "zzéü", "AB 12-3ü", "aaaaaaaaaaaé", "\x80"} {
		for i := range patternCases {
			f.Add(i, s)
		}
	}
	f.Fuzz(func(t *testing.T, i int, s string) {
		if i < 0 || i >= len(patternCases) {
			return
		}
		re := regexp.MustCompile(patternCases[i])
		sp := compileSimple(re)
		if sp == nil {
			return
		}
		if got, want := sp.match([]byte(s)), re.MatchString(s); got != want && !(want && !utf8.ValidString(s)) {
			t.Fatalf("%s on %q: scanner %v, regexp %v", patternCases[i], s, got, want)
		}
	})
}
