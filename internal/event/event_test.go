package event

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// FuzzValidType holds the written-out check to the contract's pattern.
func FuzzValidType(f *testing.F) {
	re := regexp.MustCompile(TypePattern)
	for _, s := range []string{"person", "order.placed", "a", "A", "9a", "a-b_c.d", "", "é", strings.Repeat("a", 128), strings.Repeat("a", 129), "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidType(s), re.MatchString(s); got != want {
			t.Fatalf("ValidType(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}

// FuzzParseVersion holds every way of writing a version to one reading:
// the literal N, "vN" and "type/vN" accept the same numbers.
func FuzzParseVersion(f *testing.F) {
	re := regexp.MustCompile(`^[1-9][0-9]{0,8}$`)
	for _, s := range []string{"1", "12", "0", "01", "1.0", "-1", "999999999", "1000000000", "", "v1", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseVersionLiteral([]byte(s))
		if ok != re.MatchString(s) || (ok && (v < 1 || v > MaxVersion)) {
			t.Fatalf("ParseVersionLiteral(%q) = %d, %v", s, v, ok)
		}
		if v2, ok2 := ParseVersion("v" + s); v2 != v || ok2 != ok {
			t.Fatalf("ParseVersion(v%s) = %d, %v; the literal gave %d, %v", s, v2, ok2, v, ok)
		}
		if k, ok3 := ParseName("person/v" + s); k.Version != v || ok3 != ok || (ok && k.Name() != "person/v"+s) {
			t.Fatalf("ParseName(person/v%s) = %v, %v", s, k, ok3)
		}
	})
}

func TestParseName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Key
		good bool
	}{
		{"person/v1", Key{Type: "person", Version: 1}, true},
		{"order.placed/v12", Key{Type: "order.placed", Version: 12}, true},
		{"person/v0", Key{}, false}, {"person/1", Key{}, false}, {"../x/v1", Key{}, false},
		{"person/v01", Key{}, false}, {"person", Key{}, false}, {"a/b/v1", Key{}, false},
	} {
		k, ok := ParseName(c.in)
		if ok != c.good || k != c.want {
			t.Errorf("ParseName(%q) = %v %v", c.in, k, ok)
		}
		if ok != (k.Valid() && k.Name() == c.in) {
			t.Errorf("ParseName(%q): Valid and Name disagree", c.in)
		}
	}
}

func TestRecordEncode(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	tests := []struct {
		name, data, want string
	}{
		{"object", `{"a":1}`, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"a":1}}` + "\n"},
		{"pretty printed becomes one line", "{\n  \"a\": [1, 2],\n  \"b\": \"x y\"\n}", `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"a":[1,2],"b":"x y"}}` + "\n"},
		{"escapes and numbers kept", `{"s":"<\u00e9>\n","n":1.50e3}`, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"s":"<\u00e9>\n","n":1.50e3}}` + "\n"},
		{"no data", ``, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":null}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Event{ID: "e1", Key: Key{Type: "person", Version: 2}, Received: at, Raw: []byte(tt.data)}
			got, err := ev.Record().Encode()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if back := ev.Record().Event(); back.ID != ev.ID || back.Key != ev.Key || !back.Received.Equal(at) {
				t.Errorf("read back as %+v", back)
			}
		})
	}
}

func TestRecordRefusesNonJSON(t *testing.T) {
	ev := Event{ID: "e1", Key: Key{Type: "person", Version: 2}, Raw: []byte(`{"a":`)}
	if _, err := ev.Record().Encode(); err == nil {
		t.Fatal("data that is not JSON was encoded")
	}
}
