package grpcapi_test

import (
	"sync"
	"testing"

	"github.com/schemagate/schemagate/internal/bench/benchtest"
	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/grpcapi"
)

// BenchmarkPublishStream is the stream's cost per event, client included,
// over 8 streams on their own connections: go test -bench PublishStream
// -cpuprofile shows where the server's share goes.
func BenchmarkPublishStream(b *testing.B) {
	f := newFixture(&testing.T{}, grpcapi.Options{})
	const streams = 8
	ev := newEvent("", "person", 1, `{"name":"John","age":30,"city":"New York"}`)
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range streams {
		n := b.N / streams
		if i == 0 {
			n += b.N % streams
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := f.client(&testing.T{}).PublishStream(b.Context())
			if err != nil {
				b.Error(err)
				return
			}
			go func() {
				e := &schemagatev1.Event{Id: "b", Type: ev.Type, Version: ev.Version, Data: ev.Data}
				for range n {
					if s.Send(e) != nil {
						return
					}
				}
				_ = s.CloseSend()
			}()
			for range n {
				if r, err := s.Recv(); err != nil || !r.GetOk() {
					b.Errorf("%v %v", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkReplies drives a real server over loopback with the load
// generator's gRPC mode (64 streams, 16 events in flight each), as
// internal/ws's BenchmarkReplies drives the WebSocket: replies/s, and
// allocs/op, which count the door's allocations per event (the generator
// makes next to none), whatever the machine's load.
func BenchmarkReplies(b *testing.B) {
	f := newFixture(&testing.T{}, grpcapi.Options{})
	b.ReportAllocs()
	benchtest.Replies(b, "grpc://"+f.addr, "../bench/testdata/valid.ndjson")
}
