package testkit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Command is the outside program name (grpcurl, node, python3, Chromium)
// with args, killed once d has passed or the test has ended, whichever
// comes first: a tool that hangs fails its test instead of hanging the run.
func Command(t testing.TB, d time.Duration, name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return exec.CommandContext(ctx, name, args...)
}

// LookPath returns where the program name is installed, or skips the
// test, saying how to install it, when it is not on the PATH.
func LookPath(t testing.TB, name, how string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: %s", name, how)
	}
	return p
}

// Installed skips the test, saying how to install what it needs, unless
// path (the tool what, or a file of the package what) exists.
func Installed(t testing.TB, what, path, how string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is not installed (%v): %s", what, err, how)
	}
}

// CacheDir is the folder a script of scripts/ installs outside tools into:
// $env when it is set, else name in the user's cache folder (the scripts'
// ${XDG_CACHE_HOME:-$HOME/.cache}). It skips the test when there is no
// cache folder.
func CacheDir(t testing.TB, env, name string) string {
	t.Helper()
	if d := os.Getenv(env); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no cache folder for the tools scripts/ installs: %v", err)
	}
	return filepath.Join(cache, name)
}
