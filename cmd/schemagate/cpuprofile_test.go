package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestServeWritesACPUProfile: scripts/pgo.sh makes default.pgo from what
// serve --cpu-profile writes once it stops, which must be a whole pprof
// profile (gzipped protocol buffers), not a file cut short.
func TestServeWritesACPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	_, _, stop := startServe(t, "schemas: {dir: "+repoSchemas(t)+"}\n", "--cpu-profile", path)
	if err := stop(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the profile is not gzipped: %v", err)
	}
	if body, err := io.ReadAll(zr); err != nil || len(body) == 0 {
		t.Fatalf("the profile is cut short or empty: %d bytes, %v", len(body), err)
	}
}

func TestServeRefusesAProfileItCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "cpu.pprof")
	out, err := runCLI("serve", "--schemas", repoSchemas(t), "--listen", "127.0.0.1:0", "--cpu-profile", path)
	if err == nil || !bytes.Contains([]byte(out+err.Error()), []byte("cpu profile")) {
		t.Fatalf("serve with an unwritable profile: %v\n%s", err, out)
	}
}
