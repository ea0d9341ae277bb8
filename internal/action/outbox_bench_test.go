package action

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkOutboxDo is the ack path alone: many producers into one
// outbox whose receiver is never tried (the first attempt is an hour out).
func BenchmarkOutboxDo(b *testing.B) {
	for _, policy := range []SyncPolicy{SyncNever, SyncAlways} {
		b.Run(string(policy), func(b *testing.B) {
			o, err := NewOutbox(OutboxConfig{Name: "bench", Webhook: WebhookConfig{URL: "http://127.0.0.1:9/"},
				Path: filepath.Join(b.TempDir(), "o.db"), Sync: policy, MaxBytes: 1 << 40, Schedule: []time.Duration{time.Hour}})
			if err != nil {
				b.Fatal(err)
			}
			defer o.Close(context.Background())
			data := `{"name":"John","age":30,"city":"New York","email":"john@example.com","tags":["a","b"]}`
			var n atomic.Int64
			b.SetParallelism(64)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := o.Do(context.Background(), testEvent(fmt.Sprint(n.Add(1)), data)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
