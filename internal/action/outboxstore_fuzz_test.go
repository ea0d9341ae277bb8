package action

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// The outbox's own encodings: whatever the bytes, reading them never
// panics, what encodeEntry, appendEntry, encodeLogLine and refBuilder
// write reads back the same, and unquotePair reads as strconv.Unquote.
func FuzzOutboxBatch(f *testing.F) {
	f.Add("e1", "person", 1, []byte(`{"id":"e1"}`), []byte{0x05, 'a'})
	f.Add("", "", 0, []byte{}, []byte{0xff, 0xff, 0xff})
	f.Add("a\"b", "p\xff", 2, []byte(`{}`), []byte(`"e-1""typ"`))
	f.Add("x", "y", 3, []byte(`{}`), []byte(`"a\"b""c\tx"`))
	f.Fuzz(func(t *testing.T, id, typ string, version int, body, junk []byte) {
		_, _ = decodeEntry(junk)
		_, _ = splitBatch(junk)
		_, _, _ = parseRefs(junk)
		_ = batchBytes(junk)
		var rb refBuilder
		s1 := span{off: int64(len(junk)), n: int64(len(body))}
		s2 := span{off: s1.off + s1.n + 1 + int64(len(typ)), n: int64(len(id))}
		rb.add(7, s1)
		rb.add(7, s2)
		if seg, spans, err := parseRefs(rb.b); err != nil || seg != 7 || len(spans) != 2 || spans[0] != s1 || spans[1] != s2 ||
			batchBytes(rb.b) != s1.n+s2.n+2 {
			t.Fatalf("parseRefs = %d %v %v; want 7 [%v %v]", seg, spans, err, s1, s2)
		}
		version &= 0x7fffffff
		at := time.Unix(0, int64(len(junk))*1e9+7).UTC()
		m := message{ID: id, Type: typ, Version: version, Body: body}
		batch := appendEntry(appendEntry(nil, encodeEntry(m, at)), junk)
		parts, err := splitBatch(batch)
		if err != nil || len(parts) != 2 || !bytes.Equal(parts[1], junk) {
			t.Fatalf("splitBatch: %v, %d parts", err, len(parts))
		}
		_, _, _ = decodeLogLine(junk)
		half := len(junk) / 2
		uid, utyp, ok := unquotePair(junk[:half], junk[half:])
		wid, err1 := strconv.Unquote(string(junk[:half]))
		wtyp, err2 := strconv.Unquote(string(junk[half:]))
		if ok != (err1 == nil && err2 == nil) || ok && (uid != wid || utyp != wtyp) {
			t.Fatalf("unquotePair(%q) = %q %q %v; strconv.Unquote: %q %q %v %v", junk, uid, utyp, ok, wid, wtyp, err1, err2)
		}
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
