package validate

import (
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/event"
)

// BenchmarkFastPath prices the fast path alone on the data of the shared
// workloads' valid frames: the parser's reading of the bytes and the
// keyword checks, with no envelope, pipeline or reply around them.
// Besides wall time it reports the process's CPU time per frame.
func BenchmarkFastPath(b *testing.B) {
	reg := benchRegistry(b)
	for _, name := range []string{"person-valid", "order-valid"} {
		var data [][]byte
		var schemas []*Schema
		for _, w := range readFrames(b, name, 500) {
			s, ok := reg.Lookup(event.Key{Type: w.Frame.Type, Version: w.Frame.Version})
			if !ok || s.fast == nil || !w.Valid {
				continue
			}
			data, schemas = append(data, w.Frame.Data), append(schemas, s)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := bench.CPUTime()
			for i := 0; b.Loop(); i++ {
				if !schemas[i%len(data)].fast.validJSON(data[i%len(data)], 0) {
					b.Fatalf("frame %d not decided", i%len(data))
				}
			}
			// CPU time moves far less than wall time on a shared machine.
			b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
