package natsbus

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/schemagate/schemagate/internal/natstest"
)

// BenchmarkPublish is the nats action's cost per event against a real
// in-process NATS server with file storage, 32 publishers at once as 32
// connections would be; the server's work is in the figure.
func BenchmarkPublish(b *testing.B) {
	s := natstest.Run(b, b.TempDir(), -1)
	p := connect(b, testConfig(s.ClientURL())).Publisher()
	var n atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Do(context.Background(), testEvent("id-"+strconv.FormatInt(n.Add(1), 10))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
