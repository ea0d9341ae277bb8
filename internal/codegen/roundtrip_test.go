package codegen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/testmod"
	"github.com/schemagate/schemagate/internal/validate"
)

// tree is a schema tree and the frames that exercise it.
type tree struct {
	name, dir string
	frames    []string // files of frames: NDJSON envelopes, workload lines or a JSON array
}

// frame is one event to round-trip.
type frame struct {
	Type    string          `json:"type"`
	Version int             `json:"version"`
	Data    json.RawMessage `json:"data"`
	source  string
}

// Decoding every valid frame into its generated type and encoding it again
// gives data that is valid against its schema and equal to what came in as
// a JSON value, numbers compared exactly: the generated types lose nothing
// and invent nothing.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the generated code; skipped with -short")
	}
	trees := []tree{
		{"repo", "../../schemas", []string{"../../cmd/schemagate/testdata/validate/events.ndjson", "../bench/testdata/valid.ndjson"}},
		{"report", "../report/testdata/schemas", []string{"../report/testdata/events/envelopes.ndjson"}},
		{"constructs", "testdata/constructs", []string{"testdata/constructs.ndjson"}},
	}
	shared := testkit.SharedBench
	if _, err := os.Stat(shared); err != nil {
		t.Logf("../shared/bench is absent: the round trip runs over the repo's fixtures only")
	} else {
		files, _ := filepath.Glob(filepath.Join(shared, "workloads", "*.ndjson"))
		trees = append(trees, tree{"bench", filepath.Join(shared, "schemas"), files})
	}
	mod := testmod.New(t, "../..", "example.com/generated")
	regs := map[string]*validate.Registry{}
	for _, tr := range trees {
		reg, err := validate.Load(validate.Options{Dir: tr.dir, AssertFormat: true})
		if err != nil {
			t.Fatal(err)
		}
		regs[tr.name] = reg
		src, types, err := Generate(reg, "main")
		if err != nil {
			t.Fatal(err)
		}
		mod.Write(tr.name+"/types_gen.go", src)
		mod.Write(tr.name+"/main.go", harness(types))
	}
	mod.Run("go", "vet", "./...")
	for _, tr := range trees {
		t.Run(tr.name, func(t *testing.T) {
			frames := validFrames(t, regs[tr.name], tr.frames)
			if len(frames) < 3 {
				t.Fatalf("only %d valid frames in %v", len(frames), tr.frames)
			}
			var in bytes.Buffer
			for _, f := range frames {
				line, _ := json.Marshal(f)
				in.Write(append(line, '\n'))
			}
			out := mod.RunIn(in.Bytes(), "go", "run", "./"+tr.name)
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(lines) != len(frames) {
				t.Fatalf("%d frames in, %d out", len(frames), len(lines))
			}
			for i, f := range frames {
				checkRoundTrip(t, regs[tr.name], f, []byte(lines[i]))
			}
			t.Logf("%d frames round-tripped", len(frames))
		})
	}
}

func checkRoundTrip(t *testing.T, reg *validate.Registry, f frame, got []byte) {
	t.Helper()
	if bytes.HasPrefix(got, []byte("ERROR ")) {
		t.Fatalf("%s: %s", f.source, got)
	}
	s, _ := reg.Lookup(event.Key{Type: f.Type, Version: f.Version})
	rep, err := s.ValidateJSON(got, 0)
	if err != nil || !rep.Valid() {
		t.Fatalf("%s: encoded again, %s is no longer valid: %v %+v", f.source, got, err, rep.Details)
	}
	if !jsonEqual(f.Data, got) {
		t.Fatalf("%s: in %s\nout %s", f.source, f.Data, got)
	}
}

// validFrames reads the frames of the files that name a schema of reg and
// whose data it accepts.
func validFrames(t *testing.T, reg *validate.Registry, files []string) []frame {
	var out []frame
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raw []json.RawMessage
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		} else {
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				raw = append(raw, append(json.RawMessage(nil), sc.Bytes()...))
			}
		}
		for i, r := range raw {
			var w struct {
				Frame *frame `json:"frame"`
			}
			var f frame
			if json.Unmarshal(r, &w) == nil && w.Frame != nil {
				f = *w.Frame
			} else if json.Unmarshal(r, &f) != nil {
				continue
			}
			s, ok := reg.Lookup(event.Key{Type: f.Type, Version: f.Version})
			if !ok || f.Data == nil {
				continue
			}
			if rep, err := s.ValidateJSON(f.Data, 0); err != nil || !rep.Valid() {
				continue
			}
			f.source = fmt.Sprintf("%s:%d", file, i+1)
			out = append(out, f)
		}
	}
	return out
}

// harness is a program that decodes each input line's data into the
// generated type of its key and prints it encoded again.
func harness(types []Type) []byte {
	var b strings.Builder
	b.WriteString(`package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

func roundTrip[T any](data []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 1<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		var f struct {
			Type    string
			Version int
			Data    json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			panic(err)
		}
		var out []byte
		var err error
		switch fmt.Sprintf("%s/%d", f.Type, f.Version) {
`)
	for _, t := range types {
		fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tout, err = roundTrip[%s](f.Data)\n", fmt.Sprintf("%s/%d", t.Key.Type, t.Key.Version), t.Name)
	}
	b.WriteString(`		default:
			err = fmt.Errorf("no type for %s v%d", f.Type, f.Version)
		}
		if err != nil {
			fmt.Fprintf(w, "ERROR %v\n", err)
			continue
		}
		w.Write(append(out, '\n'))
	}
}
`)
	return []byte(b.String())
}

// jsonEqual compares two JSON documents as values, numbers exactly.
func jsonEqual(a, b []byte) bool {
	va, errA := decodeExact(a)
	vb, errB := decodeExact(b)
	return errA == nil && errB == nil && equalValues(va, vb)
}

func decodeExact(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalValues(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
