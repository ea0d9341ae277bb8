package action

import (
	"bytes"
	"testing"
	"time"
)

// The outbox's own encodings: whatever the bytes, reading them never
// panics, and what encodeEntry, appendEntry and encodeLogLine write reads
// back the same.
func FuzzOutboxBatch(f *testing.F) {
	f.Add("e1", "person", 1, []byte(`{"id":"e1"}`), []byte{0x05, 'a'})
	f.Add("", "", 0, []byte{}, []byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, id, typ string, version int, body, junk []byte) {
		_, _ = decodeEntry(junk)
		_, _ = splitBatch(junk)
		version &= 0x7fffffff
		at := time.Unix(0, int64(len(junk))*1e9+7).UTC()
		m := message{ID: id, Type: typ, Version: version, Body: body}
		batch := appendEntry(appendEntry(nil, encodeEntry(m, at)), junk)
		parts, err := splitBatch(batch)
		if err != nil || len(parts) != 2 || !bytes.Equal(parts[1], junk) {
			t.Fatalf("splitBatch: %v, %d parts", err, len(parts))
		}
		_, _, _ = decodeLogLine(junk)
		lm, lat, err := decodeLogLine(bytes.TrimSuffix(encodeLogLine(m, at), []byte("\n")))
		if err != nil || lm.ID != id || lm.Type != typ || lm.Version != version || !bytes.Equal(lm.Body, body) || !lat.Equal(at) {
			t.Fatalf("decodeLogLine = %+v at %v, %v; want %+v at %v", lm, lat, err, m, at)
		}
		e, err := decodeEntry(parts[0])
		if err != nil || e.Msg.ID != id || e.Msg.Type != typ || e.Msg.Version != version ||
			!bytes.Equal(e.Msg.Body, body) || !e.Enqueued.Equal(at) {
			t.Fatalf("decodeEntry = %+v, %v; want %+v at %v", e, err, m, at)
		}
	})
}
