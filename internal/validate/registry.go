// Package validate owns the schema tree: it loads and compiles every
// `<dir>/<type>/v<N>.json` once at startup, answers lookups by (type,
// version) with a map hit, and validates instances into capped violation
// reports. It knows no transport.
package validate

import (
	"fmt"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// TypePattern is the contract's rule for an event type name; schema folders
// follow it too, so every loadable type is also a sendable one.
const TypePattern = `^[a-z][a-z0-9_.-]{0,127}$`

// Key names one schema: an event type and its major version.
type Key struct {
	Type    string
	Version int
}

// String renders the key the way people write it: "person v1".
func (k Key) String() string { return fmt.Sprintf("%s v%d", k.Type, k.Version) }

// Schema is one compiled event schema with the file it came from.
type Schema struct {
	Key
	// Path is the file, relative to the schema dir, with forward slashes.
	Path string
	// Source is the file's bytes, served by the catalog endpoint.
	Source []byte
	// Title is the schema's "title", if any, for listings.
	Title string

	compiled   *jsonschema.Schema
	fast       *fastNode // nil when the schema uses keywords it does not check
	maxDetails int
}

// Registry is the immutable set of compiled schemas. It is safe for
// concurrent use.
type Registry struct {
	dir     string
	schemas map[Key]*Schema
	sorted  []*Schema
}

// Lookup returns the schema for k. The key comes from a client, so it is
// only ever a map key, never part of a path.
func (r *Registry) Lookup(k Key) (*Schema, bool) {
	s, ok := r.schemas[k]
	return s, ok
}

// Schemas lists every schema, ordered by type then version.
func (r *Registry) Schemas() []*Schema { return r.sorted }

// Len is the number of event schemas.
func (r *Registry) Len() int { return len(r.sorted) }

// Dir is the absolute schema dir the registry was loaded from.
func (r *Registry) Dir() string { return r.dir }

func newRegistry(dir string, schemas map[Key]*Schema) *Registry {
	sorted := make([]*Schema, 0, len(schemas))
	for _, s := range schemas {
		sorted = append(sorted, s)
	}
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Version < b.Version
	})
	return &Registry{dir: dir, schemas: schemas, sorted: sorted}
}

// ValidType reports whether s matches TypePattern. It runs on every frame,
// so it is written out; FuzzValidType holds it to the pattern.
func ValidType(s string) bool {
	if len(s) == 0 || len(s) > 128 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z') && !('0' <= c && c <= '9') && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}
