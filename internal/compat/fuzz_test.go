package compat

import (
	"regexp"
	"testing"
)

// FuzzPatternStrings: every string generated for a pattern matches it,
// and generation ends for any pattern RE2 compiles.
func FuzzPatternStrings(f *testing.F) {
	for _, p := range []string{`^[a-z]+$`, `^\d{3}-\d{4}$`, `(a|b)*c{2,5}`, `^.+@.+\..+$`, `^$`, `x?`, `[^a-z]`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		// Go's regexp matches in time len(pattern) x len(input), and the
		// strings generated for a pattern are about as long as it is, so a
		// 3,000-byte literal costs seconds per input and the fuzzer
		// reports it as hung on a loaded machine. Schema patterns are short.
		if len(p) > 256 {
			return
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		for _, s := range patternStrings(re, 16) {
			if !re.MatchString(s) {
				t.Fatalf("%q generated for %q does not match it", s, p)
			}
		}
	})
}

// FuzzLineOf: any pointer into any document gives a line of it.
func FuzzLineOf(f *testing.F) {
	f.Add([]byte("{\n \"a\": {\"b\": [1, 2]}\n}"), "/a/b/1")
	f.Add([]byte(`[`), "/0")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		n := lineOf(data, ptr)
		if n < 1 || n > 1+len(data) {
			t.Fatalf("line %d of a %d-byte document", n, len(data))
		}
	})
}
