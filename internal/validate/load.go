package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
)

// Options says how to load a schema tree.
type Options struct {
	// Dir is the root of the tree.
	Dir string
	// DefaultDraft applies to files without "$schema": "2020-12" (the
	// default when empty), "2019-09", "7", "6" or "4".
	DefaultDraft string
	// AssertFormat makes "format" a validation keyword rather than an
	// annotation. The contract asserts it.
	AssertFormat bool
	// MaxDetails caps the violations kept per report (config.DefaultMaxDetails when
	// zero).
	MaxDetails int
	// Documents are extra in-memory documents by absolute URL, for trees
	// that reference well-known remote schemas; nothing is ever fetched.
	Documents map[string][]byte
}

// file is one JSON document of the tree.
type file struct {
	rel   string // relative path with forward slashes
	abs   string // absolute path
	url   string // file:// URL the compiler knows it by
	data  []byte
	src   []byte // data as the compiler reads it (patterns translated)
	id    string // declaredID
	title string
	key   *event.Key // nil for shared definitions
}

// Load reads and compiles the whole tree. It reports every problem it finds
// at once, as a *LoadError, rather than stopping at the first.
func Load(o Options) (*Registry, error) {
	draft, err := draftOf(o.DefaultDraft)
	if err != nil {
		return nil, &LoadError{Dir: o.Dir, Problems: []Problem{{Err: err}}}
	}
	root, err := rootOf(o.Dir)
	if err != nil {
		return nil, &LoadError{Dir: o.Dir, Problems: []Problem{{Err: err}}}
	}
	files, problems := scan(root)
	defer runtime.KeepAlive(ballast(files))
	res, more := newResolver(files, o.Documents)
	problems = append(problems, more...)
	outcomes := compileAll(files, draft, o.AssertFormat, res.load)
	maxDetails := o.MaxDetails
	if maxDetails <= 0 {
		maxDetails = config.DefaultMaxDetails
	}
	schemas := make(map[event.Key]*Schema)
	shared := make(map[string][]byte)
	for i, f := range files {
		compiled, err := outcomes[i].schema, outcomes[i].err
		if err != nil {
			if !hasProblem(problems, f.rel) {
				problems = append(problems, Problem{File: f.rel, Err: cleanErr(err)})
			}
			continue
		}
		if f.key != nil {
			schemas[*f.key] = &Schema{Key: *f.key, Path: f.rel, Source: f.data,
				Title: f.title, compiled: compiled, fast: outcomes[i].fast, maxDetails: maxDetails,
				mismatch: "data does not match " + f.key.String()}
		} else {
			shared[f.rel] = f.data
		}
	}
	if len(problems) > 0 {
		return nil, &LoadError{Dir: root, Problems: problems}
	}
	r := newRegistry(root, schemas)
	r.shared = shared
	return r, nil
}

func newCompiler(draft *jsonschema.Draft, assertFormat bool) *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.Draft = draft
	c.AssertFormat = assertFormat
	return c
}

func draftOf(name string) (*jsonschema.Draft, error) {
	switch strings.TrimPrefix(name, "draft") {
	case "", "2020-12":
		return jsonschema.Draft2020, nil
	case "2019-09":
		return jsonschema.Draft2019, nil
	case "7", "07":
		return jsonschema.Draft7, nil
	case "6", "06":
		return jsonschema.Draft6, nil
	case "4", "04":
		return jsonschema.Draft4, nil
	}
	return nil, fmt.Errorf("unknown default draft %q (want 2020-12, 2019-09, 7, 6 or 4)", name)
}

// rootOf resolves symlinks once so that every later containment check
// compares real paths.
func rootOf(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("schema dir: %w", err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("schema dir: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("schema dir %s is not a directory", dir)
	}
	return real, nil
}

// scan lists the tree's JSON files. Type folders hold only v<N>.json files;
// folders starting with "_" hold shared definitions in any layout. The walk
// only lists; the files are read and checked in parallel, and the files and
// problems keep the walk's order.
func scan(root string) ([]*file, []Problem) {
	type found struct {
		p, rel string
		err    error
	}
	var list []found
	walk := func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil || (!d.IsDir() && strings.HasSuffix(d.Name(), ".json")) {
			list = append(list, found{p: p, rel: rel, err: err})
		}
		return nil
	}
	walkErr := walkTree(root, walk)
	read := make([]*file, len(list))
	parallel(len(list), func() func(int) {
		return func(i int) {
			if list[i].err == nil {
				read[i], list[i].err = readFile(root, list[i].p, list[i].rel)
			}
		}
	})
	var files []*file
	var problems []Problem
	for i, f := range list {
		if f.err != nil {
			problems = append(problems, Problem{File: f.rel, Err: f.err})
		} else {
			files = append(files, read[i])
		}
	}
	if walkErr != nil {
		problems = append(problems, Problem{Err: walkErr})
	}
	return files, problems
}

// readFile reads one file and does what needs it alone: the JSON check,
// the key, the title, the declared $id and the compiler's copy.
func readFile(root, p, rel string) (*file, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	if !within(root, real) {
		return nil, fmt.Errorf("links outside the schema dir (to %s)", real)
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return nil, err
	}
	key, err := keyOf(rel)
	if err != nil {
		return nil, err
	}
	if err := checkJSON(data); err != nil {
		return nil, err
	}
	u := "file://" + filepath.ToSlash(filepath.Join(root, filepath.FromSlash(rel)))
	f := &file{rel: rel, abs: p, url: u, data: data, src: translatePatterns(data), title: titleOf(data), key: key}
	f.id = declaredID(f)
	return f, nil
}

// keyOf derives the event key from a path relative to the root: "person/v1.json"
// names person v1; anything under an "_" folder is shared and has no key.
func keyOf(rel string) (*event.Key, error) {
	parts := strings.Split(rel, "/")
	if strings.HasPrefix(parts[0], "_") {
		return nil, nil
	}
	if len(parts) != 2 {
		return nil, fmt.Errorf("unexpected location: schemas live at <type>/v<N>.json; shared definitions go under a folder starting with _")
	}
	if !event.ValidType(parts[0]) {
		return nil, fmt.Errorf("folder %q is not a valid event type (%s)", parts[0], event.TypePattern)
	}
	name, isJSON := strings.CutSuffix(parts[1], ".json")
	v, ok := event.ParseVersion(name)
	if !isJSON || !ok {
		return nil, fmt.Errorf("file name %q is not v<N>.json with N >= 1", parts[1])
	}
	return &event.Key{Type: parts[0], Version: v}, nil
}

// checkJSON gives a readable parse error with a line number before the
// compiler's terser one.
func checkJSON(data []byte) error {
	if json.Valid(data) { // the common case, without building the value
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			return fmt.Errorf("invalid JSON: data after the top-level value")
		}
		return nil
	}
	if se, ok := err.(*json.SyntaxError); ok {
		line := 1 + bytes.Count(data[:se.Offset], []byte("\n"))
		return fmt.Errorf("invalid JSON at line %d: %v", line, se)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

func hasProblem(ps []Problem, rel string) bool {
	for _, p := range ps {
		if p.File == rel {
			return true
		}
	}
	return false
}

func titleOf(data []byte) string {
	var m struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(data, &m)
	return m.Title
}
