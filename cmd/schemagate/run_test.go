package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects a command's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// listeningRe finds the address in the "listening" line, in JSON or text
// log format.
var listeningRe = regexp.MustCompile(`(?:"msg":"listening","addr":"|msg=listening addr=)([^"\s]+)`)

// startServe runs `schemagate serve` in-process with the given config
// text and returns its address, its log and a stop function that returns
// run's error.
func startServe(t *testing.T, configYAML string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(configYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	argv := append([]string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, args...)
	go func() { done <- run(ctx, argv, strings.NewReader(""), io.Discard, logs) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRe.FindStringSubmatch(logs.String()); m != nil {
			var once sync.Once
			var err error
			stop := func() error {
				once.Do(func() { cancel(); err = <-done })
				return err
			}
			t.Cleanup(func() { _ = stop() })
			return m[1], logs, stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve ended before listening: %v\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s", logs.String())
	return "", nil, nil
}

// repoSchemas is the shipped schema tree, so the tests prove what ships.
func repoSchemas(t *testing.T) string {
	abs, err := filepath.Abs("../../schemas")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if into != nil {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}
