package envelope

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		frame  string
		ok     bool
		rawID  string // "" when the id must not be readable
		key    event.Key
		errMsg string
	}{
		{`{"id":"a","type":"person","version":1,"data":{}}`, true, `"a"`, event.Key{Type: "person", Version: 1}, ""},
		{` {"data":null , "version":2,"type":"a.b-c_d","id":"\u0041"} `, true, `"\u0041"`, event.Key{Type: "a.b-c_d", Version: 2}, ""},
		{`{"id":"a","type":"person","version":1}`, false, `"a"`, event.Key{Type: "person", Version: 1}, "envelope: data is missing"},
		{`{"id":"a","type":"person","version":1.0,"data":1}`, false, `"a"`, event.Key{}, "envelope: version must be an integer >= 1"},
		{`{"id":"a","type":"person","version":1e0,"data":1}`, false, `"a"`, event.Key{}, "envelope: version must be an integer >= 1"},
		{`{"id":"a","type":"person","version":999999999,"data":1}`, true, `"a"`, event.Key{Type: "person", Version: 999999999}, ""},
		{`{"id":"a","type":"person","version":1000000000,"data":1}`, false, `"a"`, event.Key{}, "envelope: version must be an integer >= 1"},
		{`{"id":"a","type":"x","version":01,"data":1}`, false, "", event.Key{}, ""},
		{`{"id":null,"type":"x","version":1,"data":1}`, false, "", event.Key{}, "envelope: id must be a string"},
		{`{"id":"a","type":"","version":1,"data":1}`, false, `"a"`, event.Key{}, ""},
		{`{"id":"lone\ud800","type":"a","version":1,"data":1}`, false, `"lone\ud800"`, event.Key{}, "envelope: id must be valid Unicode (it escapes a lone surrogate)"},
		{`{"id":"\ud83d\ude00","type":"a","version":1,"data":1}`, true, `"\ud83d\ude00"`, event.Key{Type: "a", Version: 1}, ""},
		{`[]`, false, "", event.Key{}, "frame is not a JSON object"},
		{``, false, "", event.Key{}, ""},
	}
	for _, c := range cases {
		env, err := Decode([]byte(c.frame), 0)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.frame, err, c.ok)
			continue
		}
		if err != nil && (err.Code != codes.InvalidArgument || (c.errMsg != "" && err.Message != c.errMsg)) {
			t.Errorf("%s: err = %v, want INVALID_ARGUMENT %q", c.frame, err, c.errMsg)
		}
		if string(env.RawID) != c.rawID || env.Key != c.key {
			t.Errorf("%s: rawID %q key %v, want %q %v", c.frame, env.RawID, env.Key, c.rawID, c.key)
		}
	}
}

// FuzzDecode checks the invariants every front door relies on: no panic,
// an accepted envelope obeys every contract rule, and its raw parts are
// JSON that can be echoed as they are.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"c-17","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`,
		`{"id":"x","type":"echo","version":1,"data":[1,{"a":null}]}`,
		`{"id":"x","id":"y"}`, `{"id":"é","type":"a","version":3,"data":"\ud83d\ude00"}`, `[`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		env, err := Decode(frame, 64)
		if env.RawID != nil && !json.Valid(env.RawID) {
			t.Fatalf("raw id %q is not JSON", env.RawID)
		}
		if err != nil {
			return
		}
		if jsonparse.LoneSurrogate(env.RawID) {
			t.Fatalf("accepted id %s, which is not Unicode", env.RawID)
		}
		if n := utf8.RuneCountInString(env.ID); n < 1 || n > maxIDLength {
			t.Fatalf("accepted id of %d characters", n)
		}
		if !event.ValidType(env.Key.Type) || env.Key.Version < 1 {
			t.Fatalf("accepted key %v", env.Key)
		}
		if !json.Valid(env.Raw) {
			t.Fatalf("raw data %q is not JSON", env.Raw)
		}
	})
}

// FuzzFromParts holds FromParts to Decode: the fields of a gRPC Event and
// the same envelope as JSON are accepted or refused alike, in the same
// words, with the same key and data.
func FuzzFromParts(f *testing.F) {
	f.Add("c-1", "person", uint64(1), []byte(`{"name":"John"}`))
	f.Add("", "person", uint64(1), []byte(`1`))
	f.Add("x", "Person", uint64(1), []byte(`1`))
	f.Add("x", "person", uint64(0), []byte(`1`))
	f.Add("x", "person", uint64(1_000_000_000), []byte(`1`))
	f.Add("x", "person", uint64(1), []byte(``))
	f.Add("x", "person", uint64(1), []byte(`{"a":1,"a":2}`))
	f.Fuzz(func(t *testing.T, id, typ string, version uint64, data []byte) {
		env, err := FromParts(id, typ, version, data, 64)
		if !utf8.ValidString(id) || !utf8.ValidString(typ) || len(data) == 0 || jsonparseInvalid(data) {
			return // JSON cannot carry these as the same envelope
		}
		i, _ := json.Marshal(id)
		ty, _ := json.Marshal(typ)
		frame := []byte(`{"id":` + string(i) + `,"type":` + string(ty) + `,"version":` + itoa(version) + `,"data":` + string(data) + `}`)
		want, wantErr := Decode(frame, 65) // one level more: the envelope object
		if (err == nil) != (wantErr == nil) || (err != nil && err.Message != wantErr.Message) {
			t.Fatalf("FromParts: %v\nDecode:    %v\nframe %s", err, wantErr, frame)
		}
		if err == nil && (env.ID != want.ID || env.Key != want.Key || string(env.Raw) != string(want.Raw)) {
			t.Fatalf("FromParts %+v, Decode %+v", env, want)
		}
	})
}

func jsonparseInvalid(data []byte) bool {
	return jsonparse.Valid(data, 64) != nil
}

func itoa(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// FuzzScan holds the allocation-free reading to jsonparse.ParseObject:
// whatever scan reads, ParseObject accepts and reads alike, and a Decoder
// that knows the type decodes as the zero one does.
func FuzzScan(f *testing.F) {
	for _, s := range []string{`{"id":"a","type":"person","version":1,"data":{}}`,
		` {"data":[1,{"a":"\u0041"}] , "version":2,"type":"a.b-c_d","id":"\u0041","x":null} `,
		`{"id":"a","id":"b"}`, `{"\u0069d":"a","type":"person","version":1,"data":1}`, `{"id":"a",}`,
		`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`, `{"id":"x","type":"person","version":01,"data":1}`} {
		f.Add(s)
	}
	known := NewDecoder([]string{"person", "a.b-c_d"})
	f.Fuzz(func(t *testing.T, frame string) {
		b := []byte(frame)
		var got fields
		ok := Decoder{}.scan(b, 8, nil, &got)
		want, err := parseMembers(b, 8)
		if ok && (err != nil || !sameFields(got, want)) {
			t.Fatalf("scan read %+v, ParseObject %+v, %v", got, want, err)
		}
		e1, err1 := known.Decode(b, 8)
		e2, err2 := Decode(b, 8)
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Message != err2.Message) ||
			e1.ID != e2.ID || e1.Key != e2.Key || !bytes.Equal(e1.RawID, e2.RawID) || !bytes.Equal(e1.Raw, e2.Raw) {
			t.Fatalf("with types: %+v %v\nwithout:    %+v %v", e1, err1, e2, err2)
		}
	})
}

// skipChecker vouches for any well-formed data of its key, and remembers
// the keys it was asked about.
type skipChecker struct {
	key  event.Key
	keys []event.Key
}

func (c *skipChecker) CertainData(key event.Key, r jsonparse.Reader) (jsonparse.Reader, bool) {
	c.keys = append(c.keys, key)
	ok := key == c.key && r.Skip()
	return r, ok
}

// FuzzCertain holds Certain to Decode: an envelope it reads is the one
// Decode returns when the data is well formed, and Decode fails when it
// is not; a frame the allocation-free reading takes, whose data the
// checker vouches for, is vouched for whichever member comes first, the
// checker asked once, about the frame's own key.
func FuzzCertain(f *testing.F) {
	for _, s := range []string{`{"id":"a","type":"person","version":1,"data":{}}`,
		`{"data":[1,{"a":"\\u0041"}],"version":1,"type":"person","id":"\\u0041","x":null}`,
		`{"id":"a","type":"person","version":1,"data":{"a":1},"data":2}`, `{"id":"a","type":"person","version":2,"data":1}`,
		`{"id":"a","type":"person","version":1,"data":{"a":[}}`, `{"id":"a","type":"other","version":1,"data":1}`,
		`{"type":"person","data":"x","version":1,"id":"b"}`, `{"type":"person","version":1,"data":1}`,
		`{"id":"a","type":"other","version":1,"data":[[[[[[[[1]]]]]]]]}`, `{"id":"a","type":"other","version":1,"data":{"a":1,"a":2}}`} {
		f.Add(s)
	}
	d := NewDecoder([]string{"person", "other"})
	person := event.Key{Type: "person", Version: 1}
	f.Fuzz(func(t *testing.T, frame string) {
		b := []byte(frame)
		c := &skipChecker{key: person}
		got, read, vouched := d.Certain(b, 8, c)
		want, err := d.Decode(b, 8)
		if vouched && !read {
			t.Fatal("vouched for data in an envelope it did not read")
		}
		got.FillID()
		wellFormed := read && jsonparse.Valid(got.Raw, 7) == nil
		if read && wellFormed != (err == nil) {
			t.Fatalf("Certain read %+v (data well formed: %v), Decode: %v", got, wellFormed, err)
		}
		if wellFormed && (got.ID != want.ID || got.Key != want.Key || !bytes.Equal(got.RawID, want.RawID) || !bytes.Equal(got.Raw, want.Raw)) {
			t.Fatalf("Certain read %+v, Decode read %+v", got, want)
		}
		if len(c.keys) > 1 || len(c.keys) == 1 && err == nil && c.keys[0] != want.Key {
			t.Fatalf("checker asked about %v, the frame's key is %v", c.keys, want.Key)
		}
		plain := d.scan(b, 8, nil, new(fields))
		if plain && err == nil && (!read || vouched != (want.Key == person)) {
			t.Fatalf("Certain read %v, vouched %v for %s, a plain frame", read, vouched, b)
		}
	})
}

func sameFields(a, b fields) bool {
	for _, p := range [][2]field{{a.id, b.id}, {a.typ, b.typ}, {a.ver, b.ver}, {a.data, b.data}} {
		if !bytes.Equal(p[0].raw, p[1].raw) || (p[0].raw == nil) != (p[1].raw == nil) ||
			p[0].isString != p[1].isString || p[0].escaped != p[1].escaped || !bytes.Equal(p[0].contents, p[1].contents) {
			return false
		}
	}
	return true
}

func TestDecodeAllocs(t *testing.T) {
	d := NewDecoder([]string{"person"})
	frame := []byte(`{"id":"c-1","type":"person","version":1,"data":{"name":"Ana","age":86}}`)
	if n := testing.AllocsPerRun(100, func() { _, _ = d.Decode(frame, 64) }); n > 1 {
		t.Fatalf("%v allocations per frame, want at most 1 (the id)", n)
	}
}

// TestCertainAllocs: reading a frame whose id has no escapes allocates
// nothing, the id's string left to FillID, which makes it exactly.
func TestCertainAllocs(t *testing.T) {
	d := NewDecoder([]string{"person"})
	frame := []byte(`{"id":"c-1","type":"person","version":1,"data":{"name":"Ana","age":86}}`)
	if n := testing.AllocsPerRun(100, func() { _, _, _ = d.Certain(frame, 64, vouchAll{}) }); n != 0 {
		t.Fatalf("%v allocations per frame, want none", n)
	}
	env, read, vouched := d.Certain(frame, 64, vouchAll{})
	if env.FillID(); !read || !vouched || env.ID != "c-1" || string(env.RawID) != `"c-1"` {
		t.Fatalf("Certain read %+v (read %v, vouched %v)", env, read, vouched)
	}
}
