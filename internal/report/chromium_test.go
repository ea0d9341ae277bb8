package report

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/schemagate/schemagate/internal/chromiumtest"
)

// TestHTMLRendersInChromium opens the HTML report from a file in headless
// Chromium and reads the DOM after the page's script ran: the summary
// numbers must be there, and the script must have filled in the table's
// row count, which shows it ran under the page's own CSP.
func TestHTMLRendersInChromium(t *testing.T) {
	o := fixtureOptions(t)
	o.Format = FormatHTML
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), o, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	dom := chromiumtest.DumpDOM(t, page)
	for id, n := range map[string]int{"n-read": sum.Read, "n-valid": sum.Valid, "n-invalid": sum.Invalid,
		"n-unknown": sum.Unknown, "n-malformed": sum.Malformed, "exit-code": sum.ExitCode()} {
		want := `id="` + id + `">` + strconv.Itoa(n) + "<"
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(dom) {
			t.Errorf("rendered DOM lacks %s", want)
		}
	}
	m := regexp.MustCompile(`id="shown"[^>]*>(\d+) of (\d+) rows shown<`).FindStringSubmatch(dom)
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Errorf("the page's script did not fill in the row count (match %q)", m)
	}
}
