package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// resolver is the compiler's only way to reach a document: it answers from
// the tree (by each file's URL first, then by its top-level "$id") and from
// the configured in-memory documents, and refuses everything else, so a
// schema can never make the server touch the network or a file outside its
// dir.
type resolver struct {
	files map[string][]byte // by file:// URL, as the compiler reads them
	docs  map[string][]byte
}

func newResolver(files []*file, extra map[string][]byte) (*resolver, []Problem) {
	r := &resolver{files: make(map[string][]byte, len(files)), docs: make(map[string][]byte, len(files)+len(extra))}
	owner := make(map[string]string)
	var problems []Problem
	for u, b := range extra {
		r.docs[strings.TrimSuffix(u, "#")] = b
	}
	for _, f := range files {
		r.files[f.url] = f.src
		id := f.id
		if id == "" || id == f.url {
			continue
		}
		if prev, dup := owner[id]; dup {
			problems = append(problems, Problem{File: f.rel,
				Err: fmt.Errorf("$id %q is also declared by %s", id, prev)})
			continue
		}
		owner[id] = f.rel
		r.docs[id] = f.data
	}
	return r, problems
}

// declaredID is the absolute form of the file's top-level "$id" (or "id" in
// drafts 4 and 6), without its empty fragment.
func declaredID(f *file) string {
	var m struct {
		ID    string `json:"$id"`
		OldID string `json:"id"`
	}
	if json.Unmarshal(f.data, &m) != nil {
		return ""
	}
	id := m.ID
	if id == "" {
		id = m.OldID
	}
	if id == "" {
		return ""
	}
	base, err := url.Parse(f.url)
	if err != nil {
		return ""
	}
	ref, err := url.Parse(id)
	if err != nil {
		return ""
	}
	u := base.ResolveReference(ref)
	u.Fragment = ""
	return u.String()
}

func (r *resolver) load(u string) (io.ReadCloser, error) {
	if b, ok := r.files[u]; ok {
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	if b, ok := r.docs[u]; ok {
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	if strings.HasPrefix(u, "file://") {
		return nil, fmt.Errorf("refers to %s, which is not a file of the schema dir", u)
	}
	return nil, fmt.Errorf("refers to %s, which no schema in the dir declares as its $id (schemas are never fetched)", u)
}
