package apidoc

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"html/template"
	"regexp"
	"strings"
	"testing"
)

// TestHTMLPage renders the page of the shipped configuration (it is not
// committed: api/ keeps only the JSON documents) and checks it without a
// browser: the CSP allows nothing but the page's own inline style and
// script, each by the hash of the bytes the page really holds, and the page
// shows every route, channel and schema of the documents and embeds both
// documents unchanged.
func TestHTMLPage(t *testing.T) {
	d := build(t, shipped(t))
	b, err := HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	csp := html.UnescapeString(submatch(t, page, `<meta http-equiv="Content-Security-Policy" content="([^"]*)">`))
	for _, want := range []string{"default-src 'none'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	style := submatch(t, page, `(?s)<style>(.*?)</style>`)
	script := submatch(t, page, `(?s)<script>(.*?)</script>`)
	for directive, body := range map[string]string{"style-src": style, "script-src": script} {
		sum := sha256.Sum256([]byte(body))
		want := directive + " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp+";", want+";") {
			t.Errorf("CSP %q: want exactly %q, the hash of the page's inline %s", csp, want, directive)
		}
	}
	var oa struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	var aa struct {
		Channels map[string]struct {
			Address string `json:"address"`
		} `json:"channels"`
	}
	if json.Unmarshal(d.OpenAPI, &oa) != nil || json.Unmarshal(d.AsyncAPI, &aa) != nil {
		t.Fatal("the documents do not decode")
	}
	var want []string
	operations := 0
	for path, ops := range oa.Paths {
		for method := range ops {
			if method == "parameters" { // the path's, not a route
				continue
			}
			operations++
			want = append(want, `<td class="m">`+strings.ToUpper(method)+`</td><td><code>`+template.HTMLEscapeString(path)+`</code>`)
		}
	}
	for name := range oa.Components.Schemas {
		want = append(want, `id="schema-`+template.HTMLEscapeString(name)+`"`)
	}
	for _, c := range aa.Channels {
		want = append(want, `<td><code>`+template.HTMLEscapeString(c.Address)+`</code></td>`)
	}
	if len(oa.Paths) == 0 || len(oa.Components.Schemas) == 0 || len(aa.Channels) == 0 {
		t.Fatalf("the shipped documents are empty: %d paths, %d schemas, %d channels", len(oa.Paths), len(oa.Components.Schemas), len(aa.Channels))
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	if rows := strings.Count(page, `<td class="m">`); rows != operations {
		t.Errorf("page lists %d routes, the OpenAPI document has %d operations", rows, operations)
	}
	for id, doc := range map[string][]byte{"openapi-json": d.OpenAPI, "asyncapi-json": d.AsyncAPI} {
		embedded := submatch(t, page, `(?s)<script type="application/json" id="`+id+`">(.*?)</script>`)
		if strings.ReplaceAll(embedded, `<\/`, `</`) != string(doc) {
			t.Errorf("the page's %s is not the document", id)
		}
	}
}

// submatch is the first group of re's first match in s.
func submatch(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("page has no match of %s", re)
	}
	return m[1]
}
