package console

import (
	"testing"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/status"
)

// BenchmarkTap is the console's cost per frame on the pipeline's hot
// path: accepted and rejected frames, with nobody on the live tail and
// with one tab tailing (its queue drained as a stream would).
func BenchmarkTap(b *testing.B) {
	frame := []byte(`{"name":"Ada","age":36,"city":"London"}`)
	bad := invalid(status.Detail{InstanceLocation: "/age", KeywordLocation: "/properties/age/minimum", Message: "must be >= 0"})
	for _, bc := range []struct {
		name    string
		err     *status.Error
		tailing bool
	}{{"accepted", nil, false}, {"accepted/tailing", nil, true}, {"rejected", bad, false}, {"rejected/tailing", bad, true}} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := New(Options{Config: config.Default().Console})
			if err != nil {
				b.Fatal(err)
			}
			if bc.tailing {
				s := c.tail.subscribe(0)
				done := make(chan struct{})
				defer close(done)
				go func() {
					for {
						select {
						case <-s.ch:
						case <-done:
							return
						}
					}
				}()
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Frame(person1, true, frame, bc.err)
				}
			})
		})
	}
}
