package validate

import (
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/event"
)

// BenchmarkJudgeRejected prices the report of each invalid frame of the
// shared mixed workload (the data alone, no envelope): by Judge, which
// scans first, and by JudgeRefused, as the pipeline asks once the
// envelope's reading has refused the data. Besides wall time it reports
// the process's CPU time per frame (cpu-ns/op), which moves far less on a
// shared machine.
func BenchmarkJudgeRejected(b *testing.B) {
	reg := benchRegistry(b)
	type frame struct {
		s    *Schema
		data []byte
	}
	var frames []frame
	for _, w := range readFrames(b, "mixed-10pct-invalid", -1) {
		s, ok := reg.Lookup(event.Key{Type: w.Frame.Type, Version: w.Frame.Version})
		if !w.Valid && ok {
			frames = append(frames, frame{s, w.Frame.Data})
		}
	}
	for _, c := range []struct {
		name  string
		judge func(s *Schema, data []byte) bool
	}{
		{"Judge", func(s *Schema, data []byte) bool { err, _ := s.Judge(data, 0); return err != nil }},
		{"JudgeRefused", func(s *Schema, data []byte) bool { err, _ := s.JudgeRefused(data, 0); return err != nil }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := bench.CPUTime()
			for i := 0; b.Loop(); i++ {
				f := frames[i%len(frames)]
				if !c.judge(f.s, f.data) {
					b.Fatalf("frame %d accepted", i%len(frames))
				}
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
