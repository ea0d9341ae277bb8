package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// startServe runs `schemagate serve` in-process with the given config
// text and returns its address, its log and a stop function that returns
// run's error.
func startServe(t *testing.T, configYAML string, args ...string) (string, *testkit.Buffer, func() error) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	testkit.WriteFile(t, cfg, []byte(configYAML))
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testkit.Buffer{}
	done := make(chan error, 1)
	argv := append([]string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, args...)
	go func() { done <- run(ctx, argv, strings.NewReader(""), io.Discard, logs) }()
	t.Cleanup(cancel) // should serve never listen
	addr := testkit.WaitListening(t, logs, done, 10*time.Second)
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return addr, logs, stop
}

// runCLI runs the program in-process with args and nothing on stdin, and
// returns what it wrote (stdout and stderr together) and its error.
func runCLI(args ...string) (string, error) {
	var out testkit.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &out)
	return out.String(), err
}

// serveEchoToFile serves echo v1, each accepted event written to the
// file action at path (sync: always), and returns the address.
func serveEchoToFile(t *testing.T, path string) string {
	t.Helper()
	addr, _, _ := startServe(t, `
schemas: {dir: `+repoSchemas(t)+`}
handlers: [echo/v1]
actions:
  events: {kind: file, path: `+path+`, sync: always}
routes:
  - {type: echo, version: 1, actions: [events]}
`)
	return addr
}

// repoSchemas is the shipped schema tree, so the tests prove what ships.
func repoSchemas(t *testing.T) string {
	abs, err := filepath.Abs("../../schemas")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// httpDo sends req to the real server and returns the status and the
// body; a request that gets no answer fails the test.
func httpDo(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// httpGet is httpDo with a GET of url.
func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return httpDo(t, req)
}

// getJSON GETs url and decodes the body into into, unless it is nil.
func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	code, b := httpGet(t, url)
	if into != nil {
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(into); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return code
}
