package status

import "testing"

// BenchmarkAppendReply prices a reply built from nothing, as a door that
// does not reuse buffers builds it: the buffer should grow once.
func BenchmarkAppendReply(b *testing.B) {
	id, result := []byte(`"order-000123"`), []byte(`{"n":1}`)
	b.ReportAllocs()
	for b.Loop() {
		_ = AppendReply(nil, id, nil, nil)
		_ = AppendReply(nil, id, result, nil)
	}
}
