package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/schemagate/schemagate/internal/validate"
)

// schemaEntry is one line of the catalog.
type schemaEntry struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Title   string `json:"title"`
	Path    string `json:"path"`
	URL     string `json:"url"`
}

// renderCatalog renders GET /v1/schemas once: the registry never changes
// while the server runs.
func renderCatalog(reg *validate.Registry) ([]byte, error) {
	list := struct {
		Schemas []schemaEntry `json:"schemas"`
	}{Schemas: make([]schemaEntry, 0, reg.Len())}
	for _, s := range reg.Schemas() {
		list.Schemas = append(list.Schemas, schemaEntry{
			Type: s.Type, Version: s.Version, Title: s.Title, Path: s.Path,
			URL: fmt.Sprintf("/v1/schemas/%s/v%d", s.Type, s.Version),
		})
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("httpapi: rendering the schema catalog: %w", err)
	}
	return b, nil
}

func (a *API) listSchemas(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", a.catalog)
}

// getSchema serves a schema file's bytes as loaded at startup: a map hit
// on the registry, never a file path built from the request.
func (a *API) getSchema(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		writeError(w, err)
		return
	}
	s, ok := a.reg.Lookup(key)
	if !ok {
		writeError(w, validate.NoSchema(key))
		return
	}
	writeJSON(w, http.StatusOK, "application/schema+json", s.Source)
}

// document serves a generated API document as it was rendered at startup.
func document(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if body == nil {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, http.StatusOK, "application/json", body)
	}
}
