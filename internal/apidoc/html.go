package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/csp"
)

// The page's script and style, hashed into its Content-Security-Policy:
// nothing else may run or style, and nothing may be fetched.
const (
	pageStyle = `
:root { --fg: #1f2328; --bg: #fff; --muted: #656d76; --line: #d0d7de; --card: #f6f8fa; --acc: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d; --card: #161b22; --acc: #4493f8; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; } h3 { font-size: 14px; margin: 16px 0 4px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
code, pre { font-size: 12px; } pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; max-height: 480px; }
.m { font-weight: 700; color: var(--acc); }
.filter input { padding: 6px 8px; font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 6px; width: 320px; }
`
	pageScript = `
(function () {
  var input = document.getElementById('q'), rows = document.querySelectorAll('[data-row]');
  var shown = document.getElementById('shown');
  function apply() {
    var q = input.value.toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var hit = r.textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit; if (hit) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  input.addEventListener('input', apply);
  apply();
})();
`
)

// pageData is what the page shows, read back from the documents.
type pageData struct {
	CSP, Version      string
	Style             template.CSS
	Script            template.JS
	Routes            []pageRoute
	Channels          []pageChannel
	Schemas           []pageSchema
	CloseCodes        []map[string]any
	OpenAPI, AsyncAPI template.JS // the documents, for people to copy
}

type pageRoute struct{ Method, Path, Summary, Body, Responses string }

type pageChannel struct{ ID, Address, Description, Messages string }

type pageSchema struct{ Name, JSON string }

// HTML renders both documents as one self-contained page: the HTTP
// routes, the WebSocket channels and their messages, the close codes and
// every schema; it needs no network, and its Content-Security-Policy
// lets only its own hashed script and style run.
func HTML(d Documents) ([]byte, error) {
	var oa, aa map[string]any
	if err := json.Unmarshal(d.OpenAPI, &oa); err != nil {
		return nil, fmt.Errorf("apidoc: openapi: %w", err)
	}
	if err := json.Unmarshal(d.AsyncAPI, &aa); err != nil {
		return nil, fmt.Errorf("apidoc: asyncapi: %w", err)
	}
	p := pageData{
		CSP: "default-src 'none'; base-uri 'none'; form-action 'none'; img-src data:; style-src " + csp.Hash(pageStyle) +
			"; script-src " + csp.Hash(pageScript),
		Style: template.CSS(pageStyle), Script: template.JS(pageScript),
		Version:  str(at(oa, "info", "version")),
		Routes:   routesOf(oa),
		Channels: channelsOf(aa),
		Schemas:  schemasOf(oa),
		OpenAPI:  template.JS(embedJSON(d.OpenAPI)), AsyncAPI: template.JS(embedJSON(d.AsyncAPI)),
	}
	if codes, ok := at(aa, "channels", "ws", "x-close-codes").([]any); ok {
		for _, c := range codes {
			if m, ok := c.(map[string]any); ok {
				p.CloseCodes = append(p.CloseCodes, m)
			}
		}
	}
	page, err := template.New("page").Parse(pageHTML)
	if err != nil {
		return nil, fmt.Errorf("apidoc: html: %w", err)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("apidoc: html: %w", err)
	}
	return b.Bytes(), nil
}

// embedJSON makes a document safe inside a <script type="application/json">.
func embedJSON(b []byte) string {
	return strings.ReplaceAll(string(b), "</", `<\/`)
}

func at(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// sorted yields the members of v, when it is an object, in key order:
// the page lists routes, channels and schemas the same way on every
// build. Anything but an object has no members.
func sorted(v any) iter.Seq2[string, any] {
	m, _ := v.(map[string]any)
	return func(yield func(string, any) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// keyList is the keys of v, when it is an object, in order, joined by sep
// ("" for anything else).
func keyList(v any, sep string) string {
	m, _ := v.(map[string]any)
	return strings.Join(slices.Sorted(maps.Keys(m)), sep)
}

func routesOf(oa map[string]any) []pageRoute {
	var out []pageRoute
	for path, ops := range sorted(at(oa, "paths")) {
		for method, op := range sorted(ops) {
			if !isOperation(method) {
				continue
			}
			r := pageRoute{Method: strings.ToUpper(method), Path: path, Summary: str(at(op, "summary")),
				Responses: keyList(at(op, "responses"), " ")}
			if s := at(op, "requestBody", "content", "application/json", "schema"); s != nil {
				r.Body = short(s)
			}
			out = append(out, r)
		}
	}
	return out
}

// isOperation says whether a path item's member k is an operation: the
// others (parameters, summary, servers) describe the path, and are no
// route of their own.
func isOperation(k string) bool {
	switch k {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

func channelsOf(aa map[string]any) []pageChannel {
	var out []pageChannel
	for id, c := range sorted(at(aa, "channels")) {
		out = append(out, pageChannel{ID: id, Address: str(at(c, "address")), Description: str(at(c, "description")),
			Messages: keyList(at(c, "messages"), ", ")})
	}
	return out
}

func schemasOf(oa map[string]any) []pageSchema {
	var out []pageSchema
	for name, s := range sorted(at(oa, "components", "schemas")) {
		b, _ := json.MarshalIndent(s, "", "  ")
		out = append(out, pageSchema{Name: name, JSON: string(b)})
	}
	return out
}

// short names a schema by its $ref's last part, or "inline".
func short(s any) string {
	if r := str(at(s, "$ref")); r != "" {
		return r[strings.LastIndex(r, "/")+1:]
	}
	b, _ := json.Marshal(s)
	out := strings.ReplaceAll(string(b), `"#/components/schemas/`, `"`)
	if len(out) > 120 {
		out = out[:117] + "..."
	}
	return out
}

// pageHTML is the page's template.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>schemagate API {{.Version}}</title>
<style>{{.Style}}</style>
</head>
<body>
<h1>schemagate API</h1>
<p class="muted">Version {{.Version}}. Generated from the OpenAPI 3.1 and AsyncAPI 3.0 documents (embedded at the end of this page); event schemas are JSON Schema 2020-12, as loaded.</p>
<p class="filter"><input id="q" type="search" placeholder="filter routes, channels and schemas" aria-label="filter"> <span id="shown" class="muted"></span></p>
<h2>HTTP routes (OpenAPI)</h2>
<table id="routes"><thead><tr><th>method</th><th>path</th><th>what</th><th>body</th><th>responses</th></tr></thead><tbody>
{{- range .Routes}}
<tr data-row><td class="m">{{.Method}}</td><td><code>{{.Path}}</code></td><td>{{.Summary}}</td><td><code>{{.Body}}</code></td><td>{{.Responses}}</td></tr>
{{- end}}
</tbody></table>
<h2>WebSocket channels (AsyncAPI)</h2>
<table id="channels"><thead><tr><th>address</th><th>what</th><th>messages</th></tr></thead><tbody>
{{- range .Channels}}
<tr data-row><td><code>{{.Address}}</code></td><td>{{.Description}}</td><td>{{.Messages}}</td></tr>
{{- end}}
</tbody></table>
<h3>Close codes</h3>
<table id="close-codes"><thead><tr><th>code</th><th>why</th></tr></thead><tbody>
{{- range .CloseCodes}}
<tr><td>{{index . "code"}}</td><td>{{index . "reason"}}</td></tr>
{{- end}}
</tbody></table>
<h2>Schemas</h2>
{{- range .Schemas}}
<details data-row id="schema-{{.Name}}"><summary><code>{{.Name}}</code></summary><pre>{{.JSON}}</pre></details>
{{- end}}
<script type="application/json" id="openapi-json">{{.OpenAPI}}</script>
<script type="application/json" id="asyncapi-json">{{.AsyncAPI}}</script>
<script>{{.Script}}</script>
</body>
</html>
`
