package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/validate"
)

// benchRoot is the shared benchmark folder, beside the repository.
const benchRoot = "../../../shared/bench"

// BenchmarkValidateWorkload runs the whole engine (read, decode, validate
// on all cores, reorder, write text) over the shared workloads and reports
// events per second, per CPU-second, and the cores the run kept busy. The workloads' lines are {"valid": bool, "frame":
// envelope-without-id}; they are turned into envelopes with ids first, and
// the run's counts are checked against the labels, so a fast wrong answer
// fails instead of scoring.
func BenchmarkValidateWorkload(b *testing.B) {
	for _, name := range []string{"order-valid", "mixed-10pct-invalid"} {
		b.Run(name, func(b *testing.B) {
			src := filepath.Join(benchRoot, "workloads", name+".ndjson")
			if _, err := os.Stat(src); err != nil {
				b.Skipf("workload not found: %v", err)
			}
			reg, err := validate.Load(validate.Options{Dir: filepath.Join(benchRoot, "schemas"), AssertFormat: true})
			if err != nil {
				b.Fatalf("bench schemas: %v", err)
			}
			path, valid, total := envelopesFromWorkload(b, src)
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

// envelopesFromWorkload writes the workload's frames, each given an id, to
// a temporary NDJSON file, and counts the frames and the valid labels.
func envelopesFromWorkload(b *testing.B, src string) (path string, valid, total int) {
	b.Helper()
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	path = filepath.Join(b.TempDir(), filepath.Base(src))
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line struct {
			Valid bool            `json:"valid"`
			Frame json.RawMessage `json:"frame"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || len(line.Frame) < 2 || line.Frame[0] != '{' {
			b.Fatalf("%s:%d: not a workload line (%v)", src, total+1, err)
		}
		total++
		if line.Valid {
			valid++
		}
		fmt.Fprintf(w, `{"id":"b-%d",%s`+"\n", total, line.Frame[1:])
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return path, valid, total
}
