package validate

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
)

// FuzzFastReport is the differential fuzzer of rejections: for any bytes
// and any schema with a fast path, of the official suite's (which use
// every keyword the fast path words) and the benchmark's, the report
// ValidateJSON writes, partly in the fast path's own words, is the one
// the authority writes on the whole instance, byte for byte.
func FuzzFastReport(f *testing.F) {
	var schemas []*Schema
	for _, s := range benchRegistry(f).Schemas() {
		if s.fast != nil {
			schemas = append(schemas, s)
		}
	}
	for _, name := range []string{"mixed-10pct-invalid"} {
		for _, w := range readFrames(f, name, 40) {
			for i, s := range schemas {
				if s.Type == w.Frame.Type {
					f.Add(uint16(i), []byte(w.Frame.Data))
				}
			}
		}
	}
	root := filepath.Join(jstsDir, "tests", "draft2020-12")
	if _, err := os.Stat(root); err == nil {
		groups, files := readSuite(f, root)
		reg, err := Load(Options{Dir: writeTree(f, files), AssertFormat: true, Documents: remotes(f)})
		if err != nil {
			f.Fatal(err)
		}
		for i, g := range groups {
			s, _ := reg.Lookup(event.Key{Type: groupType(i), Version: 1})
			if s.fast == nil {
				continue
			}
			for _, c := range g.Tests {
				f.Add(uint16(len(schemas)), []byte(c.Data))
			}
			schemas = append(schemas, s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		s := schemas[int(which)%len(schemas)]
		checkSameReport(t, s, data, s.Key.String())
		// And changes of its structure, near the schemas' limits, which
		// changing bytes rarely makes.
		v, err := jsonparse.Parse(data, 0)
		if err != nil {
			return
		}
		rng := rand.New(rand.NewPCG(uint64(which), uint64(len(data))))
		for range 4 {
			b, err := json.Marshal(mutate(rng, v))
			if err != nil {
				t.Fatal(err)
			}
			checkSameReport(t, s, b, s.Key.String()+" mutated")
		}
	})
}

// TestWordedFormatQuotes: a value that fails its format is quoted in the
// report as the authority quotes it, whatever its characters.
func TestWordedFormatQuotes(t *testing.T) {
	reg := benchRegistry(t)
	s, _ := reg.Lookup(event.Key{Type: "order.placed", Version: 1})
	var order map[string]any
	if err := json.Unmarshal(readFrames(t, "order-valid", 1)[0].Frame.Data, &order); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"plain", "", "é", "日本", "a'b", `a"b`, `a\b`, "a\x01b", "a\u2028b", "\x7f", "tab\there"} {
		order["order_id"] = id
		data, _ := json.Marshal(order)
		parts, worded, ok := s.fast.locate(data, 0, true)
		if !ok || len(parts) != 0 || len(worded) != 1 {
			t.Fatalf("%q: parts %v, worded %v, ok %v: want one worded violation", id, parts, worded, ok)
		}
		checkSameReport(t, s, data, id)
	}
}

// TestLibraryKeepsWords: the fast path reads two unexported fields of
// jsonschema.Schema to word rejections as the library does; an upgrade
// that renames or retypes one turns the wording off (wordsOf), and this
// says so.
func TestLibraryKeepsWords(t *testing.T) {
	if enumErrorField < 0 || formatField < 0 {
		t.Fatalf("jsonschema.Schema no longer has enumError string and format func (%d, %d): the fast path words no rejection",
			enumErrorField, formatField)
	}
}
