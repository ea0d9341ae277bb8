package bench

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want reply
		ok   bool
	}{
		{"accepted", `{"id":"3-17","ok":true}`, reply{id: []byte("3-17"), ok: true, hasOK: true}, true},
		{"spaces", " {\n \"ok\" : false ,\t\"id\" : \"a\" } ", reply{id: []byte("a"), hasOK: true}, true},
		{"rejected with details",
			`{"id":"a","ok":false,"error":{"code":3,"status":"INVALID_ARGUMENT","message":"m","details":[{"message":"}]\""}]}}`,
			reply{id: []byte("a"), hasOK: true, code: 3, details: true}, true},
		{"empty details", `{"id":"a","ok":false,"error":{"details":[ ],"code":3}}`, reply{id: []byte("a"), hasOK: true, code: 3}, true},
		{"null details", `{"id":"a","ok":false,"error":{"code":5,"details":null}}`, reply{id: []byte("a"), hasOK: true, code: 5}, true},
		{"null id", `{"id":null,"ok":false,"error":{"code":3}}`, reply{hasOK: true, code: 3}, true},
		{"escaped id", `{"id":"a\"b","ok":true}`, reply{ok: true, hasOK: true}, true},
		{"echo result hides decoys", `{"result":{"id":"evil","ok":false,"x":[1,{"y":"}\\\"]"}]},"id":"a","ok":true}`,
			reply{id: []byte("a"), ok: true, hasOK: true, hasResult: true}, true},
		{"extra fields", `{"id":"a","ok":true,"n":-1.5e3,"t":true,"z":null,"s":"x"}`, reply{id: []byte("a"), ok: true, hasOK: true}, true},
		{"no ok", `{"id":"a"}`, reply{id: []byte("a")}, false},
		{"ok not bool", `{"id":"a","ok":"true"}`, reply{id: []byte("a")}, false},
		{"empty object", `{}`, reply{}, false},
		{"array", `[{"ok":true}]`, reply{}, false},
		{"empty", ``, reply{}, false},
		{"truncated", `{"id":"a","ok":true`, reply{}, false},
		{"open string", `{"id":"a,"ok":true}`, reply{}, false},
		{"no colon", `{"id" "a","ok":true}`, reply{}, false},
		{"open error", `{"ok":false,"error":{"code":3`, reply{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseReply([]byte(tt.in))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if ok && !equalReply(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func equalReply(a, b reply) bool {
	return bytes.Equal(a.id, b.id) && a.ok == b.ok && a.hasOK == b.hasOK &&
		a.code == b.code && a.details == b.details && a.hasResult == b.hasResult
}

// The reader parses every reply; it must not allocate.
func TestParseReplyAllocs(t *testing.T) {
	msg := []byte(`{"id":"3-17","ok":false,"error":{"code":3,"status":"S","message":"m","details":[{"a":1}]}}`)
	if n := testing.AllocsPerRun(100, func() { _, _ = parseReply(msg) }); n != 0 {
		t.Errorf("%v allocations per reply", n)
	}
}

// FuzzParseReply holds the scanner to encoding/json on the fields it reads,
// for every valid JSON object without escapes (which it does not decode).
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{`{"id":"a","ok":true}`, `{"ok":false,"id":null,"error":{"code":3,"details":[1]}}`,
		`{"id":"a","ok":true,"result":{"id":"b","ok":false}}`, `{"ok":true,"ok":1}`, `{"id":"x","id":"y","ok":false}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseReply(b) // must never panic
		var m map[string]json.RawMessage
		// encoding/json turns invalid UTF-8 into U+FFFD while the scanner
		// keeps bytes as they are; replies arrive in text frames, which
		// are UTF-8, so such input says nothing about the scanner.
		if bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b) || json.Unmarshal(b, &m) != nil || m == nil {
			return
		}
		okRaw := string(bytes.TrimSpace(m["ok"]))
		if want := okRaw == "true" || okRaw == "false"; ok != want {
			t.Fatalf("ok = %v, want %v", ok, want)
		}
		var id *string
		_ = json.Unmarshal(m["id"], &id)
		if ok && ((id == nil) != (got.id == nil) || id != nil && *id != string(got.id)) {
			t.Fatalf("id = %q, want %v", got.id, id)
		}
		_, hasResult := m["result"]
		if ok && (got.ok != (okRaw == "true") || got.hasResult != hasResult) {
			t.Fatalf("got %+v from %s", got, b)
		}
	})
}
