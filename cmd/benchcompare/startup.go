package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// startupSchemas is the size of the startup goal's tree: 1,000 event
// schemas must compile within startupLimit.
const (
	startupSchemas = 1000
	startupLimit   = 500 * time.Millisecond // issue 19 (issue 6: 1s)
)

// measureStartup times `schemagate schemas check` (load, compile every
// schema, check it against its metaschema, build its fast path) on a tree
// of 1,000 copies of the shared order schema with their cross-file $refs,
// once per round, and returns the median. No peer compiles a tree, so the
// figure is absolute; the process start is included.
func measureStartup(ctx context.Context, c config) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "benchcompare-schemas-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(c.shared, "bench", "schemas")
	if err := copyFile(filepath.Join(src, "_defs", "common.json"), filepath.Join(dir, "_defs", "common.json")); err != nil {
		return 0, err
	}
	for i := range startupSchemas {
		dst := filepath.Join(dir, fmt.Sprintf("t%04d", i), "v1.json")
		if err := copyFile(filepath.Join(src, "order.placed", "v1.json"), dst); err != nil {
			return 0, err
		}
	}
	var runs []time.Duration
	for range max(c.rounds, 1) {
		start := time.Now()
		cmd := exec.CommandContext(ctx, c.schemagate, "schemas", "check", "--schemas", dir,
			"--config", filepath.Join(c.repo, "configs", "bench.yaml"))
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("schemas check: %v: %s", err, out)
		}
		runs = append(runs, time.Since(start))
	}
	slices.Sort(runs)
	return runs[len(runs)/2], nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// startupLine writes the startup goal's row.
func (rp report) startupLine(w io.Writer) {
	if rp.startup == 0 && rp.startupErr == "" {
		return
	}
	if rp.startupErr != "" {
		fmt.Fprintf(w, "Startup: not measured (%s).\n\n", rp.startupErr)
		return
	}
	verdict := "yes"
	if rp.startup >= startupLimit {
		verdict = "no"
	}
	fmt.Fprintf(w, "**Startup (absolute; no peer compiles a schema tree)**\n\n| goal | target | measured | met |\n|---|---|---|---|\n"+
		"| %d schema files compiled (`schemagate schemas check`, process start included) | < %s | %.2f s | %s |\n\n",
		startupSchemas, startupLimit, rp.startup.Seconds(), verdict)
}
