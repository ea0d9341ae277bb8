package jsonparse

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParseObject(t *testing.T) {
	in := []byte(" {\"id\" : \"c-1\",\n \"type\":\"person\", \"version\":1 ,\"data\": {\"name\":\"John\", \"age\":30} } ")
	ms, err := ParseObject(in, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key   string
		value any
		raw   string
	}{
		{"id", "c-1", `"c-1"`},
		{"type", "person", `"person"`},
		{"version", json.Number("1"), `1`},
		{"data", nil, `{"name":"John", "age":30}`}, // containers are checked, not built
	}
	if len(ms) != len(want) {
		t.Fatalf("got %d members, want %d: %+v", len(ms), len(want), ms)
	}
	for i, w := range want {
		m := ms[i]
		if m.Key != w.key || !reflect.DeepEqual(m.Value, w.value) || string(m.Raw) != w.raw {
			t.Errorf("member %d = {%q %#v %q}, want {%q %#v %q}", i, m.Key, m.Value, m.Raw, w.key, w.value, w.raw)
		}
	}
	// Raw decodes into a Go type, which is what it is for.
	var data struct {
		Name string
		Age  int
	}
	if err := json.Unmarshal(ms[3].Raw, &data); err != nil || data.Name != "John" || data.Age != 30 {
		t.Errorf("Unmarshal(Raw) = %+v, %v", data, err)
	}
}

func TestParseObjectEmpty(t *testing.T) {
	ms, err := ParseObject([]byte(` { } `), 0)
	if err != nil || len(ms) != 0 {
		t.Errorf("ParseObject({}) = %v, %v; want no members", ms, err)
	}
}

func TestParseObjectEscapedKey(t *testing.T) {
	ms, err := ParseObject([]byte(`{"\u0069d":"x","t\"":1}`), 0)
	if err != nil || len(ms) != 2 || ms[0].Key != "id" || ms[1].Key != `t"` {
		t.Errorf("got %+v, %v", ms, err)
	}
}

func TestParseObjectNotObject(t *testing.T) {
	for _, in := range []string{`[1]`, `"x"`, `1`, ` null `, `true`, `[]`} {
		if _, err := ParseObject([]byte(in), 0); !errors.Is(err, ErrNotObject) {
			t.Errorf("ParseObject(%q) = %v, want ErrNotObject", in, err)
		}
	}
	// Not JSON at all is a syntax error, not ErrNotObject.
	for _, in := range []string{``, `[1,]`, `x`, `"abc`, `1 2`} {
		_, err := ParseObject([]byte(in), 0)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseObject(%q) = %v, want *SyntaxError", in, err)
		}
	}
}

func TestParseObjectErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{"a":1}x`, "invalid JSON at byte 7: unexpected data after the JSON value, found 'x'"},
		{`{"a":1,}`, "invalid JSON at byte 7: trailing comma before '}'"},
		{`{"a" 1}`, "invalid JSON at byte 5: expected ':' after object key, found '1'"},
		{`{"a":1 "b":2}`, "invalid JSON at byte 7: expected ',' or '}' after object member, found '\"'"},
		{`{"a":[1,]}`, "invalid JSON at byte 8: trailing comma before ']'"},
	}
	for _, tt := range tests {
		_, err := ParseObject([]byte(tt.in), 0)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseObject(%q) = %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestParseObjectDepth(t *testing.T) {
	// The object is depth 1, so a member value that is an object is depth 2.
	if _, err := ParseObject([]byte(`{"a":1}`), 1); err != nil {
		t.Errorf("depth 1: %v", err)
	}
	var de *DepthError
	if _, err := ParseObject([]byte(`{"a":{}}`), 1); !errors.As(err, &de) || de.Offset != 5 {
		t.Errorf("depth 2 with max 1: %v, want DepthError at 5", err)
	}
	if _, err := ParseObject([]byte(`{"a":{}}`), 2); err != nil {
		t.Errorf("depth 2 with max 2: %v", err)
	}
}
