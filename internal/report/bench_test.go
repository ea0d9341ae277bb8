package report

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// BenchmarkValidateWorkload runs the whole engine (read, decode, validate
// on all cores, reorder, write text) over the shared workloads and reports
// events per second, per CPU-second, and the cores the run kept busy. The workloads' lines are {"valid": bool, "frame":
// envelope-without-id}; they are turned into envelopes with ids first, and
// the run's counts are checked against the labels, so a fast wrong answer
// fails instead of scoring.
func BenchmarkValidateWorkload(b *testing.B) {
	for _, name := range []string{"order-valid", "mixed-10pct-invalid"} {
		b.Run(name, func(b *testing.B) {
			lines := testkit.Workload(b, name, -1)
			reg, err := validate.Load(validate.Options{Dir: filepath.Join(testkit.SharedBench, "schemas"), AssertFormat: true})
			if err != nil {
				b.Fatalf("bench schemas: %v", err)
			}
			path, valid := envelopesFile(b, name, lines)
			total := len(lines)
			o := Options{Registry: reg, Inputs: []string{path}}
			var sum Summary
			runs := 0
			cpu0 := bench.CPUTime()
			for b.Loop() {
				if sum, err = Run(context.Background(), o, io.Discard); err != nil {
					b.Fatal(err)
				}
				runs++
			}
			if sum.Read != total || sum.Valid != valid {
				b.Fatalf("read %d, valid %d; the workload has %d events, %d labelled valid", sum.Read, sum.Valid, total, valid)
			}
			b.ReportMetric(float64(total*runs)/b.Elapsed().Seconds(), "events/s")
			// On a shared machine wall time says little; CPU time says how
			// much work an event costs, and cores how many the run kept busy.
			if cpu := bench.CPUTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(total*runs)/cpu.Seconds(), "events/cpu-s")
				b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
			}
		})
	}
}

// envelopesFile writes the workload's frames, each given an id, to a
// temporary NDJSON file, and counts the valid labels.
func envelopesFile(b *testing.B, name string, lines []testkit.WorkloadLine) (path string, valid int) {
	b.Helper()
	var buf bytes.Buffer
	for i, l := range lines {
		if l.Valid {
			valid++
		}
		buf.Write(l.Sent("b-" + strconv.Itoa(i+1)))
		buf.WriteByte('\n')
	}
	path = filepath.Join(b.TempDir(), name+".ndjson")
	testkit.WriteFile(b, path, buf.Bytes())
	return path, valid
}
