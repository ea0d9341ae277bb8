package console

import (
	"embed"
	"fmt"
	"net/http"
	"strings"

	"github.com/schemagate/schemagate/internal/csp"
)

// The page is assets/index.html with app.css and app.js put inline, so
// that /ui/ is one document and its Content-Security-Policy can name the
// hashes of the only style and script allowed; it connects to its own
// origin only and loads nothing.
//
//go:embed assets/index.html assets/app.css assets/app.js
var assets embed.FS

type page struct {
	html []byte
	csp  string
}

func newPage() (page, error) {
	read := func(name string) (string, error) {
		b, err := assets.ReadFile("assets/" + name)
		return string(b), err
	}
	html, err := read("index.html")
	if err != nil {
		return page{}, err
	}
	css, err := read("app.css")
	if err != nil {
		return page{}, err
	}
	js, err := read("app.js")
	if err != nil {
		return page{}, err
	}
	if !strings.Contains(html, "/*STYLE*/") || !strings.Contains(html, "/*SCRIPT*/") {
		return page{}, fmt.Errorf("console: index.html lacks its style or script slot")
	}
	html = strings.Replace(html, "/*STYLE*/", css, 1)
	html = strings.Replace(html, "/*SCRIPT*/", js, 1)
	policy := "default-src 'none'; script-src " + csp.Hash(js) + "; style-src " + csp.Hash(css) +
		"; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return page{html: []byte(html), csp: policy}, nil
}

// Page serves GET /ui/: the console, which carries no data and no secret;
// it asks for a token when the data endpoints want one.
func (c *Console) Page(w http.ResponseWriter, _ *http.Request) { c.page.write(w, http.StatusOK) }

// SignIn answers GET /ui/ without a valid token when auth is on: 401,
// with the same page as its body, which asks for the token and sends it
// with every data request. Nothing in it is data.
func (c *Console) SignIn(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="schemagate"`)
	c.page.write(w, http.StatusUnauthorized)
}

func (p page) write(w http.ResponseWriter, code int) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", p.csp)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(code)
	_, _ = w.Write(p.html)
}
