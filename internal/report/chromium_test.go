package report

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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
	var sum Summary
	writePage(t, page, func(f *os.File) (err error) { sum, err = Run(context.Background(), o, f); return err })
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

// TestCandidateHTMLRendersInChromium opens the candidate page, which has
// the validate page's CSP, and finds its counts in the DOM.
func TestCandidateHTMLRendersInChromium(t *testing.T) {
	o := fixtureOptions(t)
	o.Format, o.Candidate = FormatHTML, 2
	page := filepath.Join(t.TempDir(), "candidate.html")
	var sum CandidateSummary
	writePage(t, page, func(f *os.File) (err error) { sum, err = RunCandidate(context.Background(), o, f); return err })
	dom := chromiumtest.DumpDOM(t, page)
	for id, n := range map[string]int64{"n-compared": sum.Compared, "n-both_invalid": sum.Outcomes.BothInvalid,
		"n-only_old_valid": sum.Outcomes.OnlyOldValid, "exit-code": int64(sum.ExitCode())} {
		want := `id="` + id + `">` + strconv.FormatInt(n, 10) + "<"
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %s", want)
		}
	}
	if !strings.Contains(dom, `<table id="samples">`) {
		t.Error("no samples table")
	}
}

func writePage(t *testing.T, page string, run func(*os.File) error) {
	t.Helper()
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	err = run(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
