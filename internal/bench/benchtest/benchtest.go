// Package benchtest drives a server with the load generator from a Go
// benchmark; only tests import it (the generator's own tests cannot import
// a helper that imports the generator, hence not in testkit).
package benchtest

import (
	"context"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/bench"
)

// Replies drives the server at url (ws:// or grpc://) with the load
// generator, b.N frames of workload over its default 64x16 window, fails
// unless every reply is as the workload says, and reports replies/s.
func Replies(b *testing.B, url, workload string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ResetTimer()
	r, err := bench.Run(ctx, bench.Options{URL: url, Workload: workload, Count: max(b.N, 1)})
	if err != nil {
		b.Fatal(err)
	}
	if !r.OK() {
		b.Fatalf("not clean: %+v", r)
	}
	b.ReportMetric(r.Rate, "replies/s")
}
