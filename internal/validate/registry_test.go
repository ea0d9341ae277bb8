package validate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
)

func mustLoad(t testing.TB, dir string) *Registry {
	t.Helper()
	r, err := Load(Options{Dir: dir, AssertFormat: true})
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return r
}

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
	return v
}

func TestLoadGoodTree(t *testing.T) {
	r := mustLoad(t, "testdata/good")
	var got []string
	for _, s := range r.Schemas() {
		got = append(got, s.Key.String()+"="+s.Path)
	}
	want := "byid v2=byid/v2.json,echo v1=echo/v1.json,order v1=order/v1.json,person v1=person/v1.json"
	if strings.Join(got, ",") != want {
		t.Fatalf("schemas = %v, want %s", got, want)
	}
	if _, ok := r.Lookup(event.Key{Type: "person", Version: 2}); ok {
		t.Fatal("person v2 should not exist")
	}
	if s, _ := r.Lookup(event.Key{Type: "person", Version: 1}); s.Title != "person v1" {
		t.Fatalf("title = %q", s.Title)
	}
}

func TestValidate(t *testing.T) {
	r := mustLoad(t, "testdata/good")
	cases := []struct {
		key   event.Key
		data  string
		want  []string // instanceLocation|keywordLocation of each detail
		extra int
	}{
		{event.Key{Type: "person", Version: 1}, `{"name":"John","age":30,"city":"New York"}`, nil, 0},
		{event.Key{Type: "person", Version: 1}, `{"name":"John","age":-1,"city":"New York"}`, []string{"/age|/properties/age/minimum"}, 0},
		{event.Key{Type: "person", Version: 1}, `{"name":"","age":1.5}`, []string{"|/required", "/age|/properties/age/type", "/name|/properties/name/minLength"}, 0},
		{event.Key{Type: "order", Version: 1}, `{"total":19.99}`, nil, 0},
		{event.Key{Type: "order", Version: 1}, `{"total":19.999}`, []string{"/total|/properties/total/$ref/multipleOf"}, 0},
		{event.Key{Type: "order", Version: 1}, `{"total":1,"contact":"not-an-email"}`, []string{"/contact|/properties/contact/$ref/format"}, 0},
		{event.Key{Type: "byid", Version: 2}, `[1, -2, 3.001]`, []string{"/1|/items/$ref/minimum", "/2|/items/$ref/multipleOf"}, 0},
		{event.Key{Type: "echo", Version: 1}, `{"anything":[1,2,{"x":null}]}`, nil, 0},
	}
	for _, c := range cases {
		s, ok := r.Lookup(c.key)
		if !ok {
			t.Fatalf("no schema %v", c.key)
		}
		rep := s.Validate(decode(t, c.data))
		var got []string
		for _, d := range rep.Details {
			if d.Message == "" {
				t.Errorf("%v %s: empty message in %+v", c.key, c.data, d)
			}
			got = append(got, d.InstanceLocation+"|"+d.KeywordLocation)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") || rep.Omitted != c.extra {
			t.Errorf("%v %s: got %v (+%d), want %v (+%d)", c.key, c.data, got, rep.Omitted, c.want, c.extra)
		}
		if rep.Valid() != (len(c.want) == 0) {
			t.Errorf("%v %s: Valid() = %v", c.key, c.data, rep.Valid())
		}
	}
}

// jsonschema/v5 lists extra properties in map order; a report must read
// the same every time.
func TestExtraPropertiesMessageIsStable(t *testing.T) {
	s, _ := mustLoad(t, "../../schemas").Lookup(event.Key{Type: "person", Version: 1})
	data := `{"name":"Jo","age":1,"city":"X","d":1,"b":2,"c":3,"a":4}`
	for range 20 {
		rep, err := s.ValidateJSON([]byte(data), 100)
		if err != nil || len(rep.Details) != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		if m := rep.Details[0].Message; m != "additionalProperties 'a', 'b', 'c', 'd' not allowed" {
			t.Fatalf("message %q", m)
		}
	}
}
