package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// TestReportReplacesOnlyItsSection: a re-run rewrites what lies between
// the markers and keeps the analysis around it.
func TestReportReplacesOnlyItsSection(t *testing.T) {
	out := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	before := "# B\n\nintro\n\n" + beginMark + "\nold table\n" + endMark + "\n\n## Analysis\nkept\n"
	testkit.WriteFile(t, out, []byte(before))
	res := results{}
	res.add("person-valid 64x16", "schemagate", measurement{rate: 300, cpuPerAck: 5 * time.Microsecond})
	res.add("person-valid 64x16", "node-ws-ajv", measurement{rate: 100, cpuPerAck: 10 * time.Microsecond})
	rp := report{c: config{out: out, baseline: "node-ws-ajv", rounds: 1}, servers: []string{"schemagate", "node-ws-ajv"}, res: res}
	if err := rp.write(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	got := string(b)
	for _, want := range []string{"intro", "## Analysis\nkept", "| person-valid 64x16 | 300 (3.00x) | 100 |",
		"| 5.0 µs (0.50x) | 10.0 µs |", "| replies/s | person-valid 64x16 | ≥ 1.50x | 3.00x | yes |"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old table") || strings.Count(got, beginMark) != 1 {
		t.Errorf("the old section was not replaced exactly once:\n%s", got)
	}
}

func TestMedianSkipsFailedRounds(t *testing.T) {
	res := results{}
	for _, r := range []float64{5, 1, 3} {
		res.add("s", "x", measurement{rate: r})
	}
	res.add("s", "x", measurement{err: "boom"})
	if m, _ := res.median("s", "x"); m.rate != 3 || m.err != "" {
		t.Fatalf("median = %+v, want rate 3", m)
	}
}
