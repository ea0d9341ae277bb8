package console

import (
	"encoding/json"
	"net/http"
)

// schemaSource is one version of a type with its file.
type schemaSource struct {
	Version int             `json:"version"`
	Title   string          `json:"title,omitempty"`
	Path    string          `json:"path"`
	Source  json.RawMessage `json:"source"`
}

// Schemas serves GET /ui/api/schemas: each type's versions with their
// sources, for the side-by-side view and its diff (drawn by the page).
func (c *Console) Schemas(w http.ResponseWriter, _ *http.Request) {
	type typeView struct {
		Type     string         `json:"type"`
		Versions []schemaSource `json:"versions"`
	}
	var out []typeView
	for _, s := range c.o.Registry.Schemas() {
		src := schemaSource{Version: s.Version, Title: s.Title, Path: s.Path, Source: quote(string(s.Source))}
		if n := len(out); n > 0 && out[n-1].Type == s.Type {
			out[n-1].Versions = append(out[n-1].Versions, src)
			continue
		}
		out = append(out, typeView{Type: s.Type, Versions: []schemaSource{src}})
	}
	writeJSON(w, http.StatusOK, out)
}

// Compat serves GET /ui/api/compat: the compatibility findings between
// each type's versions, judged once, on first ask.
func (c *Console) Compat(w http.ResponseWriter, _ *http.Request) {
	v := c.compat.get()
	if v == nil {
		v = "n/a"
	}
	writeJSON(w, http.StatusOK, v)
}
