package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile profiles the whole run into path ("" profiles nothing),
// until the returned stop. Its one use is scripts/pgo.sh, which makes
// cmd/schemagate/default.pgo from a server under the benchmark loads: a
// profile of the real server, not of a benchmark, since what
// profile-guided optimisation inlines is what the running server calls
// most.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
