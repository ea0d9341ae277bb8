package pipeline_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// BenchmarkPipelineShipped is BenchmarkPipeline with the shipped typed
// handlers (echo v1, and person v1 decoding into its generated type), so
// that what the handlers' decode costs shows beside the bare pipeline.
func BenchmarkPipelineShipped(b *testing.B) {
	reg, err := validate.Load(validate.Options{Dir: filepath.Join(testkit.SharedBench, "schemas"), AssertFormat: true})
	if err != nil {
		b.Skipf("shared bench schemas not available (../shared absent?): %v", err)
	}
	bld := pipeline.NewBuilder(reg)
	pipeline.Register(bld, event.Key{Type: "echo", Version: 1}, events.Echo)
	pipeline.Register(bld, event.Key{Type: "person", Version: 1}, events.LogPersonV1(slog.New(slog.DiscardHandler), false))
	p, err := bld.Build(pipeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
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
