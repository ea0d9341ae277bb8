package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/testkit"
)

// TestLoadThousandSchemas compiles 1,000 copies of the benchmark's order
// schema, each with its cross-file $refs. The goal (within a second) is
// measured by BenchmarkLoadThousandSchemas and by scripts/compare.sh, not
// here: timing on shared test machines swings.
func TestLoadThousandSchemas(t *testing.T) {
	dir := thousandSchemas(t)
	start := time.Now()
	reg, err := Load(Options{Dir: dir, AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d schemas compiled in %s", reg.Len(), time.Since(start))
	if reg.Len() != 1000 {
		t.Fatalf("loaded %d schemas, want 1000", reg.Len())
	}
	if s, _ := reg.Lookup(event.Key{Type: "t0999", Version: 1}); s.fast == nil {
		t.Fatal("no fast path for the order schema")
	}
}

// BenchmarkLoadThousandSchemas: one op is a whole startup's compile.
// Besides wall time it reports the process's CPU time per op (cpu-ns/op,
// every thread, the collector's included), which a box shared with other
// work inflates far less than wall time.
func BenchmarkLoadThousandSchemas(b *testing.B) {
	dir := thousandSchemas(b)
	cpu0 := bench.CPUTime()
	for b.Loop() {
		if _, err := Load(Options{Dir: dir, AssertFormat: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// thousandSchemas writes the tree: 1,000 copies of the order schema and
// the definitions they share.
func thousandSchemas(t testing.TB) string {
	src := filepath.Join(testkit.SharedBench, "schemas")
	order, err := os.ReadFile(filepath.Join(src, "order.placed", "v1.json"))
	if err != nil {
		t.Skipf("shared bench schemas not available: %v", err)
	}
	defs, err := os.ReadFile(filepath.Join(src, "_defs", "common.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	testkit.WriteFile(t, filepath.Join(dir, "_defs", "common.json"), defs)
	for i := range 1000 {
		testkit.WriteFile(t, filepath.Join(dir, fmt.Sprintf("t%04d", i), "v1.json"), order)
	}
	return dir
}
