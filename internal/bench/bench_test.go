package bench

import (
	"context"
	"testing"
	"time"
)

// BenchmarkRun measures the generator and a trivial in-process server
// together on one box: a floor for what the generator alone can drive.
func BenchmarkRun(b *testing.B) {
	url := (&testServer{reply: acceptAll}).start(b)
	o := Options{URL: url, Workload: "testdata/valid.ndjson", Count: max(b.N, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ResetTimer()
	r, err := Run(ctx, o)
	if err != nil {
		b.Fatal(err)
	}
	if !r.OK() {
		b.Fatalf("not clean: %+v", r)
	}
	b.ReportMetric(r.Rate, "replies/s")
	b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
	b.ReportMetric(r.ClientCPU, "cores")
}
