package validate

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/event"
)

// TestLibraryFormatsPassNonStrings holds jsonschema/v5 to what the fast
// path assumes of its own format checkers: a value other than a string
// always passes, so the fast path need not ask about one.
func TestLibraryFormatsPassNonStrings(t *testing.T) {
	values := []any{nil, true, false, json.Number("1"), json.Number("-0.5e3"), map[string]any{}, []any{"x"}}
	for name, f := range jsonschema.Formats {
		if !libraryFormat(name) {
			continue
		}
		for _, v := range values {
			if !f(v) {
				t.Errorf("format %q fails %#v: the fast path would accept what the library rejects", name, v)
			}
		}
	}
	for _, name := range []string{"date-time", "email", "uuid", "ipv4", "uri"} {
		if _, ok := jsonschema.Formats[name]; !ok || !libraryFormat(name) {
			t.Errorf("format %q: not in the library or not listed", name)
		}
	}
}

// TestFastScan pins what the byte-level fast path decides on its own
// (decided: certainly valid) and what it must leave to the parser and the
// authority, case by case where the reading of bytes is subtle: keys
// repeated or escaped, schemas applied twice to one value, required names
// with no property, long key lists.
func TestFastScan(t *testing.T) {
	many := `{"type":"object","properties":{` + keysSchema(70) + `}}`
	reg := mustLoad(t, writeTree(t, map[string]string{
		"obj/v1.json": `{"type":"object","required":["a"],"additionalProperties":false,
			"properties":{"a":{"type":"integer","minimum":1},"b":{"type":"string","pattern":"^[a-c]+$"}}}`,
		"open/v1.json":   `{"type":"object","required":["z"],"properties":{"a":{"type":"string"}}}`,
		"addl/v1.json":   `{"type":"object","properties":{"a":{}},"additionalProperties":{"type":"integer"}}`,
		"ref/v1.json":    `{"$defs":{"n":{"type":"integer","maximum":5}},"$ref":"#/$defs/n","minimum":2}`,
		"allof/v1.json":  `{"allOf":[{"type":"array","maxItems":2},{"items":{"enum":["x","y",true,null]}}]}`,
		"uniq/v1.json":   `{"type":"array","uniqueItems":true}`,
		"str/v1.json":    `{"type":"string","minLength":2,"maxLength":3,"enum":["é\nb","ab","abcd"]}`,
		"ip/v1.json":     `{"type":"string","format":"ipv4"}`,
		"fmt/v1.json":    `{"format":"email"}`,
		"many/v1.json":   many,
		"depth/v1.json":  `{"type":"array","items":{"type":"array"}}`,
		"always/v1.json": `{"properties":{"x":false,"y":true}}`,
		"free/v1.json":   `{"type":["object","array"]}`,
	}))
	cases := []struct {
		schema, data string
		decided      bool
	}{
		{"obj", `{"a":1,"b":"abc"}`, true},
		{"obj", ` { "b" : "cab" , "a" : 7 } `, true},
		{"obj", `{"a":1,"z":null}`, false},   // z is not declared: denied
		{"obj", `{"a":1,"a":1}`, false},      // repeated key
		{"obj", `{"a":1,"\u0061":1}`, false}, // repeated, escaped
		{"obj", `{"\u0061":1}`, true},
		{"obj", `{"a":1,"b":"abd"}`, false},
		{"obj", `{"b":"a"}`, false}, // a required
		{"obj", `{"a":1.0}`, true},  // an integer in 2020-12
		{"obj", `{"a":1.5}`, false},
		{"obj", `{"a":1e0}`, false}, // an integer too, but left to the authority
		{"obj", `{"a":0}`, false},
		{"open", `{"a":"s"}`, false}, // z required, not declared
		{"open", `{"z":1,"a":"s","q":1,"r":2}`, true},
		{"open", `{"z":1,"q":1,"q":2}`, false},
		{"open", `{"z":1,"q":1,"\u0071":2}`, false},
		{"open", `{"z":1,"a":"s","a":"t"}`, false},
		{"open", `{"z":1,"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1}`, false}, // too many to compare
		{"open", `{"z":{"x":1,"x":2}}`, false},                                                    // repeated inside a skipped value
		{"open", `{"z":1}x`, false},
		{"addl", `{"a":"any","b":3,"c":4}`, true},
		{"addl", `{"a":"any","b":"3"}`, false},
		{"ref", `3`, true},
		{"ref", `1`, false},
		{"ref", `6`, false},
		{"allof", `["x",true]`, true},
		{"allof", `["x",true,null]`, false},
		{"allof", `["x",1]`, false},
		{"uniq", `["a","b","c"]`, true},
		{"uniq", `["a","b","a"]`, false},
		{"uniq", `["a","\u0061"]`, false},
		{"uniq", `[1,2]`, false}, // numbers compare by value: the authority's job
		{"str", `"ab"`, true},
		{"str", `"\u00e9\nb"`, true},
		{"str", `"abcd"`, false},
		{"str", `"zz"`, false},
		{"ip", `"10.0.0.1"`, true},
		{"ip", `"10.0.0"`, false},
		{"fmt", `"a@b.example"`, true},
		{"fmt", `"not an email"`, false},
		{"fmt", `12`, true}, // formats pass other types
		{"fmt", `{"a":[1]}`, true},
		{"many", `{"k69":1,"k0":1}`, false}, // more keys than a mask holds
		{"depth", `[[],[1]]`, true},
		{"depth", `[[],[[[[[[1]]]]]]]`, false}, // deeper than maxDepth 4
		{"free", manyKeys(20, ""), true},       // no keyword looks inside: read, not tracked
		{"free", manyKeys(20, `,"k3":0`), false},
		{"free", `[` + strings.Repeat(`{"a":1},`, 99) + `{"a":1}]`, true},
		{"free", `[{"a":1,"a":2}]`, false},
		{"always", `{"y":1}`, true},
		{"always", `{"x":1}`, false},
		{"always", `{"y":[1,}`, false},
	}
	for _, c := range cases {
		s, ok := reg.Lookup(event.Key{Type: c.schema, Version: 1})
		if !ok || s.fast == nil {
			t.Fatalf("%s: no fast path", c.schema)
		}
		if got := s.fast.validJSON([]byte(c.data), 4); got != c.decided {
			t.Errorf("%s %s: decided %v, want %v", c.schema, c.data, got, c.decided)
		}
		checkAgree(t, s, []byte(c.data), c.schema)
	}
}

// keysSchema declares properties k0 to k<n-1>.
func keysSchema(n int) string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = `"k` + strconv.Itoa(i) + `":{}`
	}
	return strings.Join(keys, ",")
}

// manyKeys is an object with keys k0 to k<n-1>, then extra.
func manyKeys(n int, extra string) string {
	members := make([]string, n)
	for i := range members {
		members[i] = `"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i)
	}
	return "{" + strings.Join(members, ",") + extra + "}"
}

// TestOnlyIsCheckOwn holds fastNode.only to what object relies on: for a
// node that allows strings alone, or numbers alone, stringAt or numberAt
// decides every value exactly as checkOwn does, whatever its type.
func TestOnlyIsCheckOwn(t *testing.T) {
	schemas := map[string]string{
		"s/v1.json":  `{"type":"string"}`,
		"se/v1.json": `{"type":"string","enum":["a","b"],"maxLength":1}`,
		"sf/v1.json": `{"type":"string","format":"uuid"}`,
		"i/v1.json":  `{"type":"integer","minimum":1,"maximum":9}`,
		"n/v1.json":  `{"type":"number","multipleOf":0.01}`,
		"in/v1.json": `{"type":["integer","number"]}`,
		"nf/v1.json": `{"type":"number","format":"ipv4"}`,
	}
	reg := mustLoad(t, writeTree(t, schemas))
	values := []string{`"a"`, `"\u0061"`, `"ab"`, `"0ec6eb6b-4cef-47fa-b767-6965a46929f7"`, `""`, `"`, `1`, `0`,
		`-3`, `1.5`, `2.00`, `1e2`, `01`, `-`, `1.`, `true`, `false`, `null`, `nul`, `{}`, `[]`, `{"a":1}`, `x`, ``}
	for name := range schemas {
		typ := strings.TrimSuffix(name, "/v1.json")
		s, ok := reg.Lookup(event.Key{Type: typ, Version: 1})
		if !ok || s.fast == nil || s.fast.only == 0 {
			t.Fatalf("%s: no fast path, or only not set", typ)
		}
		n := s.fast
		for _, v := range values {
			d := []byte(v)
			var a, b fastScan
			want, got := n.checkOwn(&a, d, 0, 0), n.numberAt(d, 0)
			if n.only == tString {
				got = n.stringAt(&b, d, 0)
			}
			if got != want {
				t.Errorf("%s %s: only gives %d, checkOwn %d", typ, v, got, want)
			}
		}
	}
}
