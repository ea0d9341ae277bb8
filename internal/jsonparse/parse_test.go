package jsonparse

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/config"
)

type obj = map[string]any
type arr = []any

func num(s string) json.Number { return json.Number(s) }

func TestParseValues(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"null", `null`, nil},
		{"true", `true`, true},
		{"false", `false`, false},
		{"whitespace around", " \t\r\n true \n\t\r ", true},
		{"empty string", `""`, ""},
		{"plain string", `"hello"`, "hello"},
		{"utf8 string", `"héllo 世界 😀"`, "héllo 世界 😀"},
		{"DEL is not a control character", "\"a\x7fb\"", "a\x7fb"},
		{"U+FFFD literal", "\"\xef\xbf\xbd\"", "\uFFFD"},
		{"simple escapes", `"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{"unicode escape", `"\u00e9\u4E16"`, "é世"},
		{"escape NUL", `"a\u0000b"`, "a\x00b"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"surrogate pair upper hex", `"\uD83D\uDE00x"`, "😀x"},
		{"lone high surrogate", `"\ud83d"`, "\uFFFD"},
		{"lone high then text", `"\ud83dabc"`, "\uFFFDabc"},
		{"lone low surrogate", `"\ude00"`, "\uFFFD"},
		{"high then non-surrogate escape", `"\ud83d\u0041"`, "\uFFFDA"},
		{"high then high then low", `"\ud83d\ud83d\ude00"`, "\uFFFD😀"},
		{"low then high", `"\ude00\ud83d"`, "\uFFFD\uFFFD"},
		{"high then simple escape", `"\ud83d\n"`, "\uFFFD\n"},
		{"zero", `0`, num("0")},
		{"negative zero", `-0`, num("-0")},
		{"negative zero float", `-0.0`, num("-0.0")},
		{"exponent plus", `1.5e+10`, num("1.5e+10")},
		{"exponent minus", `1E-2`, num("1E-2")},
		{"exponent bare", `2e5`, num("2e5")},
		{"zero exponent", `0e0`, num("0e0")},
		{"huge int keeps digits", `123456789012345678901234567890`, num("123456789012345678901234567890")},
		{"huge exponent", `1e400`, num("1e400")},
		{"long fraction", `0.1000000000000000055511151231257827`, num("0.1000000000000000055511151231257827")},
		{"empty array", `[]`, arr{}},
		{"empty array spaced", `[ ]`, arr{}},
		{"empty object", `{}`, obj{}},
		{"empty object spaced", "{ \n }", obj{}},
		{"array", `[1,"a",true,null,[],{}]`, arr{num("1"), "a", true, nil, arr{}, obj{}}},
		{"array of nine", `[1,2,3,4,5,6,7,8,9]`, arr{num("1"), num("2"), num("3"), num("4"), num("5"), num("6"), num("7"), num("8"), num("9")}},
		{"object", `{"a":1,"b":[true],"c":{"d":null}}`, obj{"a": num("1"), "b": arr{true}, "c": obj{"d": nil}}},
		{"spaced object", ` { "a" : 1 , "b" : "x" } `, obj{"a": num("1"), "b": "x"}},
		{"escaped key", `{"\u0061b":1}`, obj{"ab": num("1")}},
		{"empty key", `{"":1}`, obj{"": num("1")}},
		{"envelope", `{"id":"c-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`,
			obj{"id": "c-1", "type": "person", "version": num("1"),
				"data": obj{"name": "John", "age": num("30"), "city": "New York"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), 0)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if err := Valid([]byte(tt.in), 0); err != nil {
				t.Fatalf("Valid(%q) = %v, want nil", tt.in, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		msg    string // the whole Error() text
	}{
		{"empty input", ``, 0, "expected a JSON value, found end of input"},
		{"only whitespace", "  \n", 3, "expected a JSON value, found end of input"},
		{"bad start", `x`, 0, "expected a JSON value, found 'x'"},
		{"trailing data", `1 2`, 2, "unexpected data after the JSON value, found '2'"},
		{"trailing bracket", `{}}`, 2, "unexpected data after the JSON value, found '}'"},
		{"two objects", `{"a":1}{"b":2}`, 7, "unexpected data after the JSON value, found '{'"},
		{"bad literal", `tru`, 3, "invalid literal, expected true, found end of input"},
		{"bad literal char", `nulx`, 3, "invalid literal, expected null, found 'x'"},
		{"literal glued", `truex`, 4, "unexpected data after the JSON value, found 'x'"},
		{"capital literal", `True`, 0, "expected a JSON value, found 'T'"},
		{"leading zero", `01`, 1, "invalid number: leading zeros are not allowed, found '1'"},
		{"negative leading zero", `-01`, 2, "invalid number: leading zeros are not allowed, found '1'"},
		{"trailing dot", `1.`, 2, "invalid number: expected a digit after the decimal point, found end of input"},
		{"dot exponent", `1.e5`, 2, "invalid number: expected a digit after the decimal point, found 'e'"},
		{"leading dot", `.5`, 0, "expected a JSON value, found '.'"},
		{"lone minus", `-`, 1, "invalid number: expected a digit after '-', found end of input"},
		{"minus letter", `-a`, 1, "invalid number: expected a digit after '-', found 'a'"},
		{"plus sign", `+1`, 0, "expected a JSON value, found '+'"},
		{"empty exponent", `1e`, 2, "invalid number: expected a digit in the exponent, found end of input"},
		{"exponent sign only", `1e+`, 3, "invalid number: expected a digit in the exponent, found end of input"},
		{"hex number", `0x10`, 1, "unexpected data after the JSON value, found 'x'"},
		{"NaN", `NaN`, 0, "expected a JSON value, found 'N'"},
		{"unterminated string", `"abc`, 4, "unterminated string starting at byte 0, found end of input"},
		{"unterminated after escape", `"a\`, 3, "unterminated escape sequence in string, found end of input"},
		{"bad escape", `"\x"`, 2, `invalid escape sequence in string: after '\' expected one of "\/bfnrtu, found 'x'`},
		{"short unicode escape", `"\u12"`, 5, `expected four hex digits after \u in string, found '"'`},
		{"bad hex", `"\u12g4"`, 5, `expected four hex digits after \u in string, found 'g'`},
		{"raw newline", "\"a\nb\"", 2, `control character '\n' in string must be escaped`},
		{"raw tab", "\"a\tb\"", 2, `control character '\t' in string must be escaped`},
		{"raw NUL", "\"\x00\"", 1, `control character '\x00' in string must be escaped`},
		{"invalid utf8 in string", "\"a\xffb\"", 2, "invalid UTF-8 in string"},
		{"truncated utf8", "\"\xe4\xb8\"", 1, "invalid UTF-8 in string"},
		{"overlong utf8", "\"\xc0\xaf\"", 1, "invalid UTF-8 in string"},
		{"utf8 surrogate", "\"\xed\xa0\x80\"", 1, "invalid UTF-8 in string"},
		{"invalid utf8 in key", "{\"\xff\":1}", 2, "invalid UTF-8 in string"},
		{"invalid utf8 outside string", "[\xff]", 1, "expected a JSON value, found invalid UTF-8 byte 0xff"},
		{"non-ascii outside string", "[é]", 1, "expected a JSON value, found 'é'"},
		{"BOM", "\xef\xbb\xbf{}", 0, `expected a JSON value, found '\ufeff'`},
		{"unclosed array", `[1`, 2, "expected ',' or ']' after array element, found end of input"},
		{"unclosed empty array", `[`, 1, "expected a JSON value, found end of input"},
		{"array missing comma", `[1 2]`, 3, "expected ',' or ']' after array element, found '2'"},
		{"array trailing comma", `[1,]`, 3, "trailing comma before ']'"},
		{"array leading comma", `[,1]`, 1, "expected a JSON value, found ','"},
		{"array double comma", `[1,,2]`, 3, "expected a JSON value, found ','"},
		{"array closed by brace", `[1}`, 2, "expected ',' or ']' after array element, found '}'"},
		{"unclosed object", `{"a":1`, 6, "expected ',' or '}' after object member, found end of input"},
		{"unclosed empty object", `{`, 1, "expected a string as object key, found end of input"},
		{"object missing comma", `{"a":1 "b":2}`, 7, "expected ',' or '}' after object member, found '\"'"},
		{"object trailing comma", `{"a":1,}`, 7, "trailing comma before '}'"},
		{"object missing colon", `{"a" 1}`, 5, "expected ':' after object key, found '1'"},
		{"object missing value", `{"a":}`, 5, "expected a JSON value, found '}'"},
		{"object unquoted key", `{a:1}`, 1, "expected a string as object key, found 'a'"},
		{"object number key", `{1:1}`, 1, "expected a string as object key, found '1'"},
		{"object single quotes", `{'a':1}`, 1, `expected a string as object key, found '\''`},
		{"object closed by bracket", `{"a":1]`, 6, "expected ',' or '}' after object member, found ']'"},
		{"nested error offset", `{"data":{"name":"John","age":30,"city":"NY"x}}`, 43, "expected ',' or '}' after object member, found 'x'"},
		{"comment", `[1 /* c */]`, 3, "expected ',' or ']' after array element, found '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Parse([]byte(tt.in), 0)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %#v, %v; want *SyntaxError", tt.in, v, err)
			}
			if v != nil {
				t.Errorf("Parse(%q) returned value %#v with error", tt.in, v)
			}
			want := "invalid JSON at byte " + strconv.Itoa(tt.offset) + ": " + tt.msg
			if se.Offset != tt.offset || err.Error() != want {
				t.Errorf("Parse(%q) error\n got: %v (offset %d)\nwant: %s", tt.in, err, se.Offset, want)
			}
			if verr := Valid([]byte(tt.in), 0); verr == nil || verr.Error() != err.Error() {
				t.Errorf("Valid(%q) = %v, want %v", tt.in, verr, err)
			}
		})
	}
}

func TestDuplicateKeys(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		offset  int
		pointer string
		key     string
	}{
		{"top level", `{"a":1,"a":2}`, 7, "", "a"},
		{"same value", `{"a":1,"b":2,"a":1}`, 13, "", "a"},
		{"escaped spelling", `{"a":1,"\u0061":2}`, 7, "", "a"},
		{"escaped both", `{"\n":1,"\u000a":2}`, 8, "", "\n"},
		{"surrogate replacement collides", `{"\ud800":1,"\udc00":2}`, 12, "", "\uFFFD"},
		{"empty key", `{"":1,"":2}`, 6, "", ""},
		{"nested", `{"data":{"x":1,"y":2,"x":3}}`, 21, "/data", "x"},
		{"in array", `[0,{"a":1,"a":1}]`, 10, "/1", "a"},
		{"deep with escapes", `{"a/b":{"c~d":[{"k":1,"k":2}]}}`, 22, "/a~1b/c~0d/0", "k"},
		{"after first of many", `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":0}`,
			143, "", "k3"},
		{"first duplicate reported", `{"a":1,"b":1,"b":2,"a":2}`, 13, "", "b"},
		{"dup before later syntax error", `{"a":1,"a":2,}`, 7, "", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(fn string, err error) {
				t.Helper()
				var de *DuplicateKeyError
				if !errors.As(err, &de) {
					t.Fatalf("%s(%q) = %v; want *DuplicateKeyError", fn, tt.in, err)
				}
				if de.Offset != tt.offset || de.Pointer != tt.pointer || de.Key != tt.key {
					t.Errorf("%s(%q) = %+v; want offset %d pointer %q key %q", fn, tt.in, de, tt.offset, tt.pointer, tt.key)
				}
			}
			_, err := Parse([]byte(tt.in), 0)
			check("Parse", err)
			check("Valid", Valid([]byte(tt.in), 0))
			if strings.HasPrefix(tt.in, "{") {
				_, err := ParseObject([]byte(tt.in), 0)
				check("ParseObject", err)
			}
		})
	}
}

func TestDuplicateKeyErrorText(t *testing.T) {
	_, err := Parse([]byte(`{"data":{"name":"a","name":"b"}}`), 0)
	want := `invalid JSON at byte 20: duplicate key "name" in the object at "/data"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = Parse([]byte(`{"id":1,"id":2}`), 0)
	want = `invalid JSON at byte 8: duplicate key "id" in the top-level object`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// Keys that are distinct must not be confused, including past the switch
// from linear scan to map in Valid.
func TestManyDistinctKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	want := obj{}
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		k := "k" + strconv.Itoa(i)
		b.WriteString(`"` + k + `":` + strconv.Itoa(i))
		want[k] = num(strconv.Itoa(i))
	}
	b.WriteString("}")
	got, err := Parse([]byte(b.String()), 0)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse = %v, %v", got, err)
	}
	if err := Valid([]byte(b.String()), 0); err != nil {
		t.Fatalf("Valid = %v", err)
	}
	ms, err := ParseObject([]byte(b.String()), 0)
	if err != nil || len(ms) != 100 || ms[99].Key != "k99" {
		t.Fatalf("ParseObject = %d members, %v", len(ms), err)
	}
}

// Escaped keys in Valid are decoded into a shared arena; keys of a closed
// inner object must not clobber the outer object's keys.
func TestValidEscapedKeysAcrossNesting(t *testing.T) {
	ok := `{"\u0061":{"\u0062":1,"\u0063":2},"\u0064":{"\u0065":{"\u0066":3}},"g":4}`
	if err := Valid([]byte(ok), 0); err != nil {
		t.Fatalf("Valid(%s) = %v", ok, err)
	}
	dup := `{"\u0061":{"\u0062":1,"\u0063":2},"\u0064":{"\u0065":3},"\u0061":4}`
	var de *DuplicateKeyError
	if err := Valid([]byte(dup), 0); !errors.As(err, &de) || de.Key != "a" {
		t.Fatalf("Valid(%s) = %v, want duplicate a", dup, err)
	}
}

func TestDepth(t *testing.T) {
	tests := []struct {
		in       string
		maxDepth int
		ok       bool
		offset   int
	}{
		{`1`, 1, true, 0},
		{`[]`, 1, true, 0},
		{`[[]]`, 1, false, 1},
		{`{"a":{}}`, 1, false, 5},
		{`{"a":{}}`, 2, true, 0},
		{`{"a":[{"b":1}]}`, 3, true, 0},
		{`{"a":[{"b":1}]}`, 2, false, 6},
		{`[[],[],[[]]]`, 2, false, 8},
		{strings.Repeat("[", 1000) + strings.Repeat("]", 1000), 0, true, 0},
		{strings.Repeat("[", 1001) + strings.Repeat("]", 1001), 0, false, 1000},
		{strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000), 0, true, 0},
		{strings.Repeat(`{"a":`, 1001) + "1" + strings.Repeat("}", 1001), 0, false, 5000},
		{strings.Repeat("[", 1001) + strings.Repeat("]", 1001), -5, false, 1000},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 20 {
			name = name[:20]
		}
		t.Run(name, func(t *testing.T) {
			for fn, err := range map[string]error{
				"Parse": second(Parse([]byte(tt.in), tt.maxDepth)),
				"Valid": Valid([]byte(tt.in), tt.maxDepth),
			} {
				if tt.ok {
					if err != nil {
						t.Errorf("%s: %v", fn, err)
					}
					continue
				}
				var de *DepthError
				if !errors.As(err, &de) || de.Offset != tt.offset {
					t.Errorf("%s: got %v, want DepthError at %d", fn, err, tt.offset)
				}
			}
		})
	}
}

func second(_ any, err error) error { return err }

func TestDeepNesting100k(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[", 100000),
		strings.Repeat(`{"a":`, 100000),
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
	} {
		b := []byte(in)
		var de *DepthError
		if _, err := Parse(b, 0); !errors.As(err, &de) || de.MaxDepth != config.DefaultMaxDepth {
			t.Errorf("Parse: %v, want DepthError", err)
		}
		if err := Valid(b, 0); !errors.As(err, &de) {
			t.Errorf("Valid: %v, want DepthError", err)
		}
		if _, err := ParseObject(b, 0); !errors.As(err, &de) {
			t.Errorf("ParseObject: %v, want DepthError", err)
		}
	}
	// A caller may lift the limit; the recursion must still cope.
	deep := []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
	if err := Valid(deep, 100000); err != nil {
		t.Errorf("Valid with maxDepth 100000: %v", err)
	}
	if _, err := Parse(deep, 100000); err != nil {
		t.Errorf("Parse with maxDepth 100000: %v", err)
	}
}

// The caller reuses its read buffer, so nothing returned may alias it
// except Member.Raw.
func TestResultDoesNotAliasInput(t *testing.T) {
	b := []byte(`{"s":"text","n":12.5,"e":"a\nb","k":["x"]}`)
	v, err := Parse(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := ParseObject(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 'Z'
	}
	want := obj{"s": "text", "n": num("12.5"), "e": "a\nb", "k": arr{"x"}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Parse value changed with input: %#v", v)
	}
	for _, m := range ms {
		if m.Key == "k" {
			continue // a container: ParseObject leaves it as Raw
		}
		if !reflect.DeepEqual(m.Value, want[m.Key]) {
			t.Errorf("ParseObject member %q changed with input: %#v", m.Key, m.Value)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for _, c := range []struct {
		lit  string
		lone bool
	}{
		{`"abc"`, false}, {`"\ud83d\ude00"`, false}, {`"\uD83D\uDE00x"`, false}, {`"\ufffd"`, false},
		{`"\\ud800"`, false}, {`"\n\u0041"`, false}, {`"a\ud800"`, true}, {`"\udbff"`, true},
		{`"\udc00"`, true}, {`"\ud83d\u0041"`, true}, {`"\ud83d\ud83d\ude00"`, true},
		{`"\ude00\ud83d"`, true}, {`"\ud83d\n"`, true}, {`"\\\ud800"`, true}, {`"\ud83d\ude00\udc00"`, true},
	} {
		if got := LoneSurrogate([]byte(c.lit)); got != c.lone {
			t.Errorf("LoneSurrogate(%s) = %v, want %v", c.lit, got, c.lone)
		}
	}
}
