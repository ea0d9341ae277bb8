// Package chromiumtest opens pages in headless Chromium for tests, with
// everything that could reach the network turned off, so that a test
// judges a self-contained page the way a browser shows it: after its
// scripts ran under its own Content-Security-Policy.
// scripts/install-test-deps.sh installs Debian's chromium; without it the
// tests that need it skip and say so.
package chromiumtest

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// Path is where Debian's chromium package puts the browser.
const Path = "/usr/bin/chromium"

// DumpDOM opens the file page and returns the serialized DOM once the
// page has loaded and its scripts ran. It skips the test when Chromium is
// not installed.
func DumpDOM(t testing.TB, page string) string {
	t.Helper()
	cmd, _ := command(t, 90*time.Second, "--dump-dom", "file://"+page)
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

// command is a headless Chromium with a profile of its own (in the
// folder it returns) and everything that could reach the network turned
// off, given args, and killed once d has passed or the test has ended. It
// skips the test when Chromium is not installed.
func command(t testing.TB, d time.Duration, args ...string) (*exec.Cmd, string) {
	t.Helper()
	testkit.Installed(t, "chromium", Path, "the page is not opened; run scripts/install-test-deps.sh to install it")
	dir := profileDir(t)
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + dir}
	return testkit.Command(t, d, Path, append(flags, args...)...), dir
}

// profileDir is a folder for one Chromium profile, removed when the test
// ends. Not t.TempDir: Chromium's helper processes outlive the browser
// process by a moment and may still be writing the profile when the test's
// own cleanup runs, which fails the test with "directory not empty". The
// removal is retried until they have gone.
func profileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "schemagate-chromium-")
	if err != nil {
		t.Fatalf("chromium profile: %v", err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Logf("chromium profile %s left behind: %v", dir, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}
