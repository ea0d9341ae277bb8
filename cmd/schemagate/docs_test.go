package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// TestDocsCommand writes the three files; the served documents are the
// same bytes as the written ones for the same configuration.
func TestDocsCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	yaml := "schemas: {dir: " + repoSchemas(t) + "}\nlisten: 127.0.0.1:0\nhandlers: [echo/v1]\ndefault_actions: []\n"
	testkit.WriteFile(t, cfg, []byte(yaml))
	if out, err := runCLI("docs", "--config", cfg, "--out", dir); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	addr, _, _ := startServe(t, yaml)
	for _, name := range []string{"openapi.json", "asyncapi.json"} {
		file, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		code, served := httpGet(t, "http://"+addr+"/v1/"+name)
		if code != 200 || !bytes.Equal(served, file) {
			t.Errorf("GET /v1/%s: status %d, %d bytes; the file has %d", name, code, len(served), len(file))
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !bytes.Contains(page, []byte("Content-Security-Policy")) {
		t.Errorf("index.html: %v", err)
	}
	_, err = runCLI("docs", "--config", cfg)
	if exitCode(err) != 2 {
		t.Errorf("docs without --out: exit %d (%v)", exitCode(err), err)
	}
}

// TestCommittedDocsAreFresh: api/ holds the documents of the shipped
// configuration and schemas, as the contract's files; they must be what
// `schemagate docs --out api` writes now. The HTML page rendered from them
// is not committed (internal/apidoc's tests render and check it).
func TestCommittedDocsAreFresh(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := run(context.Background(), []string{"docs", "--config", "../../configs/schemagate.yaml",
		"--schemas", "../../schemas", "--out", dir}, strings.NewReader(""), &out, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, name := range []string{"openapi.json", "asyncapi.json"} {
		fresh, _ := os.ReadFile(filepath.Join(dir, name))
		committed, err := os.ReadFile(filepath.Join("..", "..", "api", name))
		if err != nil || !bytes.Equal(fresh, committed) {
			t.Errorf("api/%s is stale (%v); run: go run ./cmd/schemagate docs --out api", name, err)
		}
	}
}
