package validate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/testkit"
)

// authorityValid is the verdict of jsonschema/v5 alone, fast path aside.
func authorityValid(s *Schema, v any) bool { return s.compiled.Validate(v) == nil }

// checkAgree fails when the fast path calls data valid and the parser or
// the authority does not: the one mistake the fast path must never make.
func checkAgree(t testing.TB, s *Schema, data []byte, what string) (decided bool) {
	t.Helper()
	if s.fast == nil || !s.fast.validJSON(data, 0) {
		return false
	}
	v, err := jsonparse.Parse(data, 0)
	if err != nil {
		t.Fatalf("%s: fast path accepts what the parser refuses (%v): %q", what, err, data)
	}
	if !authorityValid(s, v) {
		t.Fatalf("%s: fast path accepts what %s rejects: %s", what, s.Key, data)
	}
	return true
}

// TestFastPathJSONSchemaTestSuite runs every case of the official suite
// whose schema the fast path takes on: each one it accepts must be valid by
// the authority and by the suite (but for the authority's listed mistakes),
// and each one it rejects must get the report the authority gives the
// whole instance, word for word, though only the parts the fast path was
// unsure of were judged.
func TestFastPathJSONSchemaTestSuite(t *testing.T) {
	root := filepath.Join(jstsDir, "tests", "draft2020-12")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("JSON Schema Test Suite not found: %v", err)
	}
	groups, files := readSuite(t, root)
	reg, err := Load(Options{Dir: writeTree(t, files), AssertFormat: true, Documents: remotes(t)})
	if err != nil {
		t.Fatal(err)
	}
	known := knownFailures(t)
	var covered, decided int
	for i, g := range groups {
		s, _ := reg.Lookup(event.Key{Type: groupType(i), Version: 1})
		if s.fast == nil {
			continue
		}
		for _, c := range g.Tests {
			covered++
			id := g.name + " | " + c.Description
			checkSameReport(t, s, c.Data, id)
			if checkAgree(t, s, c.Data, id) {
				decided++
				// The authority's own known mistakes are its, not the fast path's.
				if _, isKnown := known[id]; !c.Valid && !isKnown {
					t.Fatalf("%s | %s: fast path accepts an instance the suite calls invalid", g.name, c.Description)
				}
			}
		}
	}
	t.Logf("fast path covers %d suite cases and decides %d of them", covered, decided)
	if decided < 100 {
		t.Fatalf("fast path decided only %d suite cases: is it wired?", decided)
	}
}

// benchRegistry loads the shared benchmark schemas, or skips.
func benchRegistry(t testing.TB) *Registry {
	reg, err := Load(Options{Dir: filepath.Join(testkit.SharedBench, "schemas"), AssertFormat: true})
	if err != nil {
		t.Skipf("shared bench schemas not available: %v", err)
	}
	return reg
}

type workloadFrame struct {
	Valid bool `json:"valid"`
	Frame struct {
		Type    string          `json:"type"`
		Version int             `json:"version"`
		Data    json.RawMessage `json:"data"`
	} `json:"frame"`
}

func readFrames(t testing.TB, name string, max int) []workloadFrame {
	var out []workloadFrame
	for _, line := range testkit.Workload(t, name, max) {
		w := workloadFrame{Valid: line.Valid}
		if err := json.Unmarshal(line.Frame, &w.Frame); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

// TestFastPathWorkloads: the fast path decides every valid frame of the
// benchmark workloads (else it buys nothing) and never accepts an invalid
// one, nor any of many mutations of each frame near the schemas' limits.
func TestFastPathWorkloads(t *testing.T) {
	eachWorkloadFrame(t, 6, 400, 20, func(s *Schema, w workloadFrame, what string) {
		if got := checkAgree(t, s, w.Frame.Data, what); got != w.Valid {
			t.Fatalf("%s: fast path decided %v for a frame labelled valid=%v", what, got, w.Valid)
		}
	}, func(s *Schema, data []byte, what string) { checkAgree(t, s, data, what) })
}

// eachWorkloadFrame calls frame on up to max frames of each benchmark
// workload, and mutated on mutations of each: 1 to 4 changes stacked, so
// that violations sit in different members.
func eachWorkloadFrame(t *testing.T, seed uint64, max, mutations int,
	frame func(s *Schema, w workloadFrame, what string), mutated func(s *Schema, data []byte, what string)) {
	t.Helper()
	reg := benchRegistry(t)
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, name := range []string{"person-valid", "order-valid", "mixed-10pct-invalid"} {
		for i, w := range readFrames(t, name, max) {
			s, ok := reg.Lookup(event.Key{Type: w.Frame.Type, Version: w.Frame.Version})
			if !ok {
				continue
			}
			frame(s, w, fmt.Sprintf("%s frame %d", name, i))
			v, err := jsonparse.Parse(w.Frame.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			for range mutations {
				m := v
				for range 1 + rng.IntN(4) {
					m = mutate(rng, m)
				}
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				mutated(s, b, fmt.Sprintf("%s frame %d mutated", name, i))
			}
		}
	}
}

// FuzzFastPath is the differential fuzzer: for any bytes at all, the fast
// path of each benchmark schema may accept only what the parser and the
// authority accept.
func FuzzFastPath(f *testing.F) {
	reg := benchRegistry(f)
	for _, name := range []string{"person-valid", "order-valid", "mixed-10pct-invalid"} {
		for _, w := range readFrames(f, name, 20) {
			f.Add(w.Frame.Type, []byte(w.Frame.Data))
		}
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		s, ok := reg.Lookup(event.Key{Type: typ, Version: 1})
		if !ok {
			return
		}
		checkAgree(t, s, data, "fuzz")
		checkSameReport(t, s, data, "fuzz")
	})
}
