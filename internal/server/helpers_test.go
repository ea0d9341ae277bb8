package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/config"
)

// repoConfig is the default configuration over the repo's schemas/, where
// each test here starts.
func repoConfig(t *testing.T) config.Config {
	t.Helper()
	dir, err := filepath.Abs("../../schemas")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Schemas.Dir = dir
	return cfg
}

// buildApp validates cfg and builds the gateway from it, without serving;
// it is closed when the test ends.
func buildApp(t *testing.T, cfg config.Config) *app {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.close(context.Background()) })
	return a
}
