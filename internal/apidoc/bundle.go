package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/validate"
)

// Dialect is the JSON Schema dialect of every schema the documents carry.
const Dialect = "https://json-schema.org/draft/2020-12/schema"

// component is one schema file of the tree, as a document carries it.
type component struct {
	name   string // component key: "person.v1", "_defs.common"
	file   string // path in the tree: "person/v1.json"
	schema any    // the file, its $refs rewritten to point inside the document
}

// bundle turns every file of the tree into a component: the file's own
// JSON (2020-12, keywords untouched), with each $ref that points at a
// file of the tree (itself included) rewritten to prefix(name) + the
// pointer, since inside a bigger document a relative $ref would resolve
// against that document instead. $id is dropped for the same reason.
func bundle(reg *validate.Registry, prefix func(name string) string) ([]component, error) {
	files := map[string][]byte{}
	for _, s := range reg.Schemas() {
		files[s.Path] = s.Source
	}
	for p, b := range reg.Shared() {
		files[p] = b
	}
	names := map[string]string{}
	for p := range files {
		names[p] = componentName(p)
	}
	out := make([]component, 0, len(files))
	for p, b := range files {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("apidoc: %s: %w", p, err)
		}
		if m, ok := doc.(map[string]any); ok {
			delete(m, "$id")
		}
		rewriteRefs(doc, p, names, prefix)
		out = append(out, component{name: names[p], file: p, schema: doc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// componentName is a file's key among components, which allow only
// [A-Za-z0-9._-]: "person/v1.json" → "person.v1".
func componentName(file string) string {
	n := strings.TrimSuffix(file, ".json")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '.'
	}, n)
}

// rewriteRefs rewrites, in place, each "$ref" under v that resolves
// (against the file at file) to a file of the tree.
func rewriteRefs(v any, file string, names map[string]string, prefix func(string) string) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if ref, ok := sub.(string); ok && k == "$ref" {
				x[k] = resolve(ref, file, names, prefix)
				continue
			}
			if k == "enum" || k == "const" || k == "examples" || k == "default" {
				continue // values, not schemas
			}
			rewriteRefs(sub, file, names, prefix)
		}
	case []any:
		for _, sub := range x {
			rewriteRefs(sub, file, names, prefix)
		}
	}
}

func resolve(ref, file string, names map[string]string, prefix func(string) string) string {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ref
	}
	target := file
	if u.Path != "" {
		target = path.Clean(path.Join(path.Dir(file), u.Path))
	}
	name, ok := names[target]
	if !ok || (u.Fragment != "" && !strings.HasPrefix(u.Fragment, "/")) {
		return ref
	}
	return prefix(name) + u.EscapedFragment()
}
