package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/httpapi"
)

func TestListSchemas(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request(t, http.MethodGet, "/v1/schemas", "-", "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	var got struct {
		Schemas []map[string]any `json:"schemas"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"type": "echo", "version": 1.0, "title": "echo v1", "path": "echo/v1.json", "url": "/v1/schemas/echo/v1"},
		{"type": "flaky", "version": 1.0, "title": "flaky v1", "path": "flaky/v1.json", "url": "/v1/schemas/flaky/v1"},
		{"type": "person", "version": 1.0, "title": "person v1", "path": "person/v1.json", "url": "/v1/schemas/person/v1"},
		{"type": "slow", "version": 1.0, "title": "slow v1", "path": "slow/v1.json", "url": "/v1/schemas/slow/v1"},
	}
	if len(got.Schemas) != len(want) {
		t.Fatalf("listing %s", r.body)
	}
	for i := range want {
		for k, v := range want[i] {
			if got.Schemas[i][k] != v {
				t.Errorf("schema %d: %s = %v, want %v", i, k, got.Schemas[i][k], v)
			}
		}
	}
}

func TestGetSchema(t *testing.T) {
	f := newFixture(t, nil)
	file, err := os.ReadFile("testdata/schemas/person/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	r := f.request(t, http.MethodGet, "/v1/schemas/person/v1", "-", "")
	if r.status != 200 || r.body != string(file) {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/schema+json" {
		t.Fatalf("Content-Type %q", ct)
	}
}

// TestSchemaNotFound: only keys the registry holds are served; nothing
// the path says reaches the file system.
func TestSchemaNotFound(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{
		"/v1/schemas/person/v2",
		"/v1/schemas/nobody/v1",
		"/v1/schemas/person/1",
		"/v1/schemas/person/v01",
		"/v1/schemas/person/v1.json",
		"/v1/schemas/person/v99999999999",
		"/v1/schemas/..%2F..%2Fetc/v1",
		"/v1/schemas/..%2F..%2Fetc%2Fpasswd/v1",
		"/v1/schemas/%2e%2e/v1",
		"/v1/schemas/_defs/v1",
		"/v1/schemas/person/v1%2F..%2F..%2Fv1",
	} {
		t.Run(path, func(t *testing.T) {
			r := f.request(t, http.MethodGet, path, "-", "")
			if r.status != http.StatusNotFound {
				t.Fatalf("status %d, body %s", r.status, r.body)
			}
			checkError(t, r.body, codes.NotFound)
		})
	}
}

// TestDocuments: the generated documents are served as given, behind the
// same auth as the rest of /v1/, and are 404 when the server has none.
func TestDocuments(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.OpenAPI, o.AsyncAPI = []byte(`{"openapi":"3.1.0"}`), []byte(`{"asyncapi":"3.0.0"}`)
		o.Authorize = func(r *http.Request) error {
			if r.Header.Get("Authorization") != "Bearer t" {
				return errors.New("no token")
			}
			return nil
		}
	})
	for path, want := range map[string]string{"/v1/openapi.json": `{"openapi":"3.1.0"}`, "/v1/asyncapi.json": `{"asyncapi":"3.0.0"}`} {
		if r := f.request(t, http.MethodGet, path, "-", ""); r.status != http.StatusUnauthorized {
			t.Errorf("%s without a token: status %d", path, r.status)
		}
		r := f.request(t, http.MethodGet, path, "-", "", "Authorization", "Bearer t")
		if r.status != 200 || r.body != want || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: status %d, body %s", path, r.status, r.body)
		}
	}
	none := newFixture(t, nil)
	if r := none.request(t, http.MethodGet, "/v1/openapi.json", "-", ""); r.status != http.StatusNotFound {
		t.Errorf("without documents: status %d", r.status)
	}
}
