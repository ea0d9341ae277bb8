package pipeline_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// BenchmarkPipeline runs each shared workload's frames through the whole
// pipeline (as configs/bench.yaml wires it) and reports allocations per
// frame, so a regression on the hot path shows in review.
func BenchmarkPipeline(b *testing.B) {
	p := benchPipeline(b, func(bld *pipeline.Builder) {
		pipeline.Register(bld, event.Key{Type: "echo", Version: 1}, func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) {
			return ev.Data, nil
		})
	})
	for _, w := range []string{"person-valid", "order-valid", "mixed-10pct-invalid", "mixed-rejected", "echo-small"} {
		frames := loadWorkload(b, w)
		b.Run(w, func(b *testing.B) { runFrames(b, p, frames) })
	}
}

// runFrames is one benchmark of p over frames, round robin: each frame's
// outcome must be what the workload says (accepted exactly when valid).
// Besides wall time it reports the process's CPU time per frame
// (cpu-ns/op), which moves far less than wall time on a machine shared
// with other work.
func runFrames(b *testing.B, p *pipeline.Pipeline, frames []benchFrame) {
	ctx := context.Background()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := bench.CPUTime()
	for i := 0; i < b.N; i++ {
		f := frames[i%len(frames)]
		out := p.Envelope(ctx, f.frame, time.Now(), buf[:0])
		if ok := out.Code == 0; ok != f.valid {
			b.Fatalf("frame %d: code %v, want valid=%v: %s", i%len(frames), out.Code, f.valid, out.Reply)
		}
	}
	b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkPipelineShipped is BenchmarkPipeline with the shipped typed
// handlers (echo v1, and person v1 decoding into its generated type), so
// that what the handlers' decode costs shows beside the bare pipeline.
func BenchmarkPipelineShipped(b *testing.B) {
	p := benchPipeline(b, func(bld *pipeline.Builder) {
		pipeline.Register(bld, event.Key{Type: "echo", Version: 1}, events.Echo)
		pipeline.Register(bld, event.Key{Type: "person", Version: 1}, events.LogPersonV1(slog.New(slog.DiscardHandler), false))
	})
	for _, w := range []string{"person-valid", "echo-small"} {
		frames := workloadFrames(b, w, 1<<30)
		b.Run(w, func(b *testing.B) {
			ctx := context.Background()
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if out := p.Envelope(ctx, frames[i%len(frames)], time.Now(), buf[:0]); out.Code != 0 {
					b.Fatalf("code %v: %s", out.Code, out.Reply)
				}
			}
		})
	}
}

type benchFrame struct {
	frame []byte
	valid bool
}

// loadWorkload reads a shared workload's frames; "mixed-rejected" is the
// invalid tenth of mixed-10pct-invalid alone, what a rejection costs.
func loadWorkload(b *testing.B, name string) []benchFrame {
	if name == "mixed-rejected" {
		var out []benchFrame
		for _, f := range loadWorkload(b, "mixed-10pct-invalid") {
			if !f.valid {
				out = append(out, f)
			}
		}
		return out
	}
	var out []benchFrame
	for i, w := range testkit.Workload(b, name, -1) {
		// As the load generator (and the SDK) sends it: type and version
		// before data.
		out = append(out, benchFrame{frame: w.Sent("b-" + strconv.Itoa(i)), valid: w.Valid})
	}
	return out
}

// BenchmarkCandidate prices a candidate version: the shared person-valid
// frames through a person v1 route of the repo's tree, without a
// candidate and with candidate v2 (which accepts them too, so every frame
// takes both fast paths, the common case of a rollout), and with a v2
// that refuses every one of them (its report is built and ranked off
// the reply's path, by the pipeline's judge, or the frame is skipped when
// the judge's queue is full; allocations are process-wide, the judge's included). Besides wall time
// it reports the process's CPU time per frame (cpu-ns/op).
func BenchmarkCandidate(b *testing.B) {
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true})
	if err != nil {
		b.Fatal(err)
	}
	refusing, err := validate.Load(validate.Options{Dir: testkit.RolloutSchemas(b)})
	if err != nil {
		b.Fatal(err)
	}
	frames := loadWorkload(b, "person-valid")
	for _, c := range []struct {
		name      string
		reg       *validate.Registry
		candidate int
	}{{"none", reg, 0}, {"v2", reg, 2}, {"v2-refusing", refusing, 2}} {
		bld := pipeline.NewBuilder(c.reg)
		bld.Route(pipeline.Route{Key: event.Key{Type: "person", Version: 1}, Candidate: c.candidate})
		p, err := bld.Build(pipeline.Options{})
		if err != nil {
			b.Fatal(err)
		}
		// person-valid's frames are all valid: each must be accepted.
		b.Run(c.name, func(b *testing.B) { runFrames(b, p, frames) })
	}
}
