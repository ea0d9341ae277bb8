package validate

import (
	"testing"

	"github.com/schemagate/schemagate/internal/event"
)

// FuzzFastPathKeys is FuzzFastPath on a schema of its own, made to reach
// what the benchmark schemas do not: declared keys whose literals end
// either side of the 16 bytes the checker compares as words (quoted
// lengths 3 to 19, and the empty key), near the end of the input too,
// written plain, escaped or twice; required names; extra keys under an
// additionalProperties schema; chains of bare $refs and an allOf.
func FuzzFastPathKeys(f *testing.F) {
	reg := mustLoad(f, writeTree(f, map[string]string{"k/v1.json": `{"type":"object",
		"required":["a","abcdefghijklmn","abcdefghijklmnop"],"additionalProperties":false,
		"$defs":{"r":{"$ref":"#/$defs/s"},"s":{"type":"string","minLength":2,"maxLength":4,"enum":["ab","abc","\u00e9\u00e9"]}},
		"properties":{"a":{"type":"integer","minimum":-3,"maximum":100,"multipleOf":2},
			"ab":{"$ref":"#/$defs/r"},
			"abcdefg":{"type":["null","boolean"]},
			"abcdefghijklmn":{"type":"number","exclusiveMaximum":5,"multipleOf":0.01},
			"abcdefghijklmno":{"type":"array","items":{"type":"string","format":"ipv4"},"uniqueItems":true,"maxItems":3},
			"abcdefghijklmnop":{"type":"object","properties":{"x":{"$ref":"#/$defs/s"}},
				"additionalProperties":{"type":"integer"},"maxProperties":3},
			"abcdefghijklmnopq":{"allOf":[{"$ref":"#/$defs/s"},{"pattern":"^a"}]},
			"":{"type":"string"}}}`}))
	s, _ := reg.Lookup(event.Key{Type: "k", Version: 1})
	if s.fast == nil {
		f.Fatal("k: no fast path")
	}
	for _, seed := range []string{
		`{"a":2,"abcdefghijklmn":1.5,"abcdefghijklmnop":{"x":"ab","y":1}}`,
		`{"a":2,"ab":"abc","abcdefg":true,"abcdefghijklmn":4.99,"abcdefghijklmno":["1.2.3.4","1.2.3.5"],` +
			`"abcdefghijklmnop":{"x":"ab","y":1,"z":2},"abcdefghijklmnopq":"ab","":"x"}`,
		`{"abcdefghijklmnop":{},"abcdefghijklmn":0,"a":0}`,
		` { "a" : -2 , "abcdefghijklmn" : -0.01 , "abcdefghijklmnop" : { "\u0078" : "\u00e9\u00e9" } } `,
	} {
		if !s.fast.validJSON([]byte(seed), 64) {
			f.Fatalf("seed not decided, so it reaches little: %s", seed)
		}
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgree(t, s, data, "keys")
		if len(data) > 0 { // the same bytes cut short: every literal then nears the end
			checkAgree(t, s, data[:len(data)-1], "keys, cut")
		}
	})
}
