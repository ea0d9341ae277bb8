package apidoc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/chromiumtest"

	"github.com/schemagate/schemagate/internal/validate"
)

// shipped are the options of the shipped configuration over schemas/,
// with everything optional turned on: tokens, a bare path, the fan-out.
func shipped(t testing.TB) Options {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: filepath.Join("..", "..", "schemas"), AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	return Options{Registry: reg, Host: "127.0.0.1:8080", WebSocketPath: "/ws",
		Bare:           []Bare{{Path: "/", Type: "echo", Version: 1, Raw: true}, {Path: "/person", Type: "person", Version: 1}},
		SubscribeTypes: []string{"person"}, Auth: true, AdminAuth: true, Webhooks: true, MaxBatch: 1000, MaxDetails: 20, Console: true}
}

func build(t testing.TB, o Options) Documents {
	t.Helper()
	d, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestMetaschemas validates both documents against the official
// metaschemas shipped in testdata/metaschemas, with auth and the
// optional channels on and off.
func TestMetaschemas(t *testing.T) {
	full := shipped(t)
	bare := Options{Registry: full.Registry, Host: "127.0.0.1:8080", WebSocketPath: "/ws"}
	oas := compileMeta(t, "openapi-3.1.json", jsonschema.Draft2020)
	aas := compileMeta(t, "asyncapi-3.0.0.json", jsonschema.Draft7)
	for name, o := range map[string]Options{"full": full, "bare": bare} {
		d := build(t, o)
		if err := oas.Validate(decode(t, d.OpenAPI)); err != nil {
			t.Errorf("%s: OpenAPI document: %#v", name, err)
		}
		if err := aas.Validate(decode(t, d.AsyncAPI)); err != nil {
			t.Errorf("%s: AsyncAPI document: %#v", name, err)
		}
	}
}

func compileMeta(t *testing.T, file string, draft *jsonschema.Draft) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "metaschemas", file))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = draft
	url := "file:///metaschemas/" + file
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestHTMLRendersInChromium opens the page from a file in headless
// Chromium with the network off and reads the DOM after its script ran:
// every route, channel and schema is there, and the script, allowed only
// by its hash in the page's CSP, filled in the count of rows shown.
func TestHTMLRendersInChromium(t *testing.T) {
	d := build(t, shipped(t))
	page, err := HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "index.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := chromiumtest.DumpDOM(t, file)
	for _, want := range []string{"/v1/events/person/v2", "/v1/subscribe", `id="schema-person.v1"`, "<td>1009</td>", "/v1/openapi.json"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	m := regexp.MustCompile(`id="shown"[^>]*>(\d+) of (\d+) shown<`).FindStringSubmatch(dom)
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Errorf("the page's script did not run under its CSP (match %q)", m)
	}
}

// Every operation under /v1/admin/ names the admin scheme, the others the
// document's: the server's one rule, in the document.
func TestAdminSecurity(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(build(t, shipped(t)).OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	admin := 0
	for path, item := range doc.Paths {
		for method, raw := range item {
			var operation struct {
				Security []map[string][]string `json:"security"`
			}
			if method == "parameters" || json.Unmarshal(raw, &operation) != nil {
				continue
			}
			has := false
			if len(operation.Security) > 0 {
				_, has = operation.Security[0]["admin"]
			}
			if has != strings.HasPrefix(path, "/v1/admin/") {
				t.Errorf("%s %s: security %v", method, path, operation.Security)
			}
			if has {
				admin++
			}
		}
	}
	if admin < 3 {
		t.Fatalf("%d admin operations", admin)
	}
}
