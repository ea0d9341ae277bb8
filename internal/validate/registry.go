// Package validate owns the schema tree: it loads and compiles every
// `<dir>/<type>/v<N>.json` once at startup, answers lookups by (type,
// version) with a map hit, and validates instances into capped violation
// reports. It knows no transport.
package validate

import (
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/event"
)

// Schema is one compiled event schema with the file it came from.
type Schema struct {
	event.Key
	// Path is the file, relative to the schema dir, with forward slashes.
	Path string
	// Source is the file's bytes, served by the catalog endpoint.
	Source []byte
	// Title is the schema's "title", if any, for listings.
	Title string

	compiled   *jsonschema.Schema
	fast       *fastNode // nil when the schema uses keywords it does not check
	maxDetails int
	mismatch   string // a rejection's message, worded once rather than per rejection
}

// Registry is the immutable set of compiled schemas. It is safe for
// concurrent use.
type Registry struct {
	dir     string
	schemas map[event.Key]*Schema
	sorted  []*Schema
	shared  map[string][]byte // files under "_" folders, by path
}

// Lookup returns the schema for k. The key comes from a client, so it is
// only ever a map key, never part of a path.
func (r *Registry) Lookup(k event.Key) (*Schema, bool) {
	s, ok := r.schemas[k]
	return s, ok
}

// Schemas lists every schema, ordered by type then version.
func (r *Registry) Schemas() []*Schema { return r.sorted }

// Keys lists every schema's key, in the order of Schemas.
func (r *Registry) Keys() []event.Key {
	keys := make([]event.Key, len(r.sorted))
	for i, s := range r.sorted {
		keys[i] = s.Key
	}
	return keys
}

// Len is the number of event schemas.
func (r *Registry) Len() int { return len(r.sorted) }

// Shared lists the shared definition files (those under folders starting
// with "_") by path relative to the dir, with forward slashes; documents
// that embed the schemas need them to resolve $refs. The bytes are shared
// and must not be modified.
func (r *Registry) Shared() map[string][]byte { return r.shared }

// Dir is the absolute schema dir the registry was loaded from.
func (r *Registry) Dir() string { return r.dir }

func newRegistry(dir string, schemas map[event.Key]*Schema) *Registry {
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

// Compiled is the authority's compiled form of s, for rooms that reason
// about schemas themselves (compatibility, documents) rather than only
// validate against them. It is shared and must not be modified.
func (s *Schema) Compiled() *jsonschema.Schema { return s.compiled }
