package envelope

import (
	"strconv"
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/testkit"
)

// vouchAll vouches for any well-formed data, reading it as Skip does: the
// cheapest checker, so that what BenchmarkCertain prices is the envelope.
type vouchAll struct{}

func (vouchAll) CertainData(_ event.Key, r jsonparse.Reader) (jsonparse.Reader, bool) {
	ok := r.Skip()
	return r, ok
}

// BenchmarkCertain prices reading an envelope, as the pipeline does for
// every frame, on the shared workloads' valid frames as the load
// generator sends them, with a checker that only reads the data. Besides
// wall time it reports the process's CPU time per frame (cpu-ns/op).
func BenchmarkCertain(b *testing.B) {
	for _, name := range []string{"person-valid", "order-valid"} {
		var frames [][]byte
		types := map[string]bool{}
		for i, w := range testkit.Workload(b, name, 500) {
			frames = append(frames, w.Sent("b-"+strconv.Itoa(i)))
		}
		for _, f := range frames {
			env, err := Decode(f, 64)
			if err != nil {
				b.Fatalf("%s: %v", f, err)
			}
			types[env.Key.Type] = true
		}
		var names []string
		for t := range types {
			names = append(names, t)
		}
		d := NewDecoder(names)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := bench.CPUTime()
			for i := 0; b.Loop(); i++ {
				if _, _, vouched := d.Certain(frames[i%len(frames)], 64, vouchAll{}); !vouched {
					b.Fatalf("frame %d not vouched for", i%len(frames))
				}
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
