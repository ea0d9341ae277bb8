package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// chromiumPath is where Debian's chromium package puts the browser;
// scripts/install-chromium.sh installs it.
const chromiumPath = "/usr/bin/chromium"

// TestHTMLRendersInChromium opens the HTML report from a file in headless
// Chromium and reads the DOM after the page's script ran: the summary
// numbers must be there, and the script must have filled in the table's
// row count, which shows it ran under the page's own CSP.
func TestHTMLRendersInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found, so the HTML report is not rendered; run scripts/install-chromium.sh to install it", chromiumPath)
	}
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
	dom := dumpDOM(t, page)
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

// dumpDOM runs headless Chromium on a file URL with everything that could
// reach the network turned off, and returns the serialized DOM.
func dumpDOM(t *testing.T, page string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("chromium: %v\n%s", err, stderr)
	}
	return string(out)
}
