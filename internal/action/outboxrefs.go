package action

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// The log is the store: a lane's batch does not hold its events, it points
// at their lines in a log segment, so the ingester writes a few bytes per
// event into bbolt rather than the event again (and the history keeps the
// pointer, not a third copy). A segment lives on while any lane's batch or
// any history entry points into it: bucket pins counts, per segment, the
// batches that do, so its keys are the segments still pointed at, learnt
// at the end of every commit; the ingester removes every other segment
// before its cursor once that commit is on disk. A lane whose head waits
// for a retry so keeps its own segment, not every later one.
//
// A reference batch is
//
//	0x00, uvarint segment, uvarint offset of the first line,
//	then per event: uvarint gap since the previous line's end, uvarint length
//
// (a line's length without its "\n"). The leading zero tells it from a
// batch of whole entries (appendEntry), which Replay still writes and
// which starts with an entry's length, never zero.
const refMark = 0

// span is one line of a segment: where it starts and its length without
// the "\n".
type span struct{ off, n int64 }

// refBuilder builds one lane's reference batch of one segment.
type refBuilder struct {
	b     []byte
	end   int64 // where the last line added ends, its "\n" included
	bytes int64 // the lines' bytes, "\n" included: what max_bytes counts
	count int64
}

func (r *refBuilder) add(seg uint64, s span) {
	if r.b == nil {
		r.b = binary.AppendUvarint([]byte{refMark}, seg)
		r.b = binary.AppendUvarint(r.b, uint64(s.off))
		r.end = s.off
	}
	r.b = binary.AppendUvarint(r.b, uint64(s.off-r.end))
	r.b = binary.AppendUvarint(r.b, uint64(s.n))
	r.end = s.off + s.n + 1
	r.bytes += s.n + 1
	r.count++
}

func isRefBatch(v []byte) bool { return len(v) > 0 && v[0] == refMark }

var errRefBatch = errors.New("malformed outbox reference batch")

// parseRefs reads a reference batch: its segment and its lines.
func parseRefs(v []byte) (uint64, []span, error) {
	if !isRefBatch(v) {
		return 0, nil, errRefBatch
	}
	v = v[1:]
	next := func() (int64, bool) {
		n, w := binary.Uvarint(v)
		if w <= 0 || n > 1<<62 {
			return 0, false
		}
		v = v[w:]
		return int64(n), true
	}
	seg, ok1 := next()
	end, ok2 := next()
	if !ok1 || !ok2 {
		return 0, nil, errRefBatch
	}
	var out []span
	for len(v) > 0 {
		gap, ok1 := next()
		n, ok2 := next()
		if !ok1 || !ok2 || end+gap+n+1 > 1<<62 {
			return 0, nil, errRefBatch
		}
		out = append(out, span{off: end + gap, n: n})
		end += gap + n + 1
	}
	return uint64(seg), out, nil
}

// batchBytes is what a batch counts against max_bytes: its lines for a
// reference batch, its own size for one of whole entries.
func batchBytes(v []byte) int64 {
	if !isRefBatch(v) {
		return int64(len(v))
	}
	_, spans, err := parseRefs(v)
	if err != nil {
		return int64(len(v))
	}
	var n int64
	for _, s := range spans {
		n += s.n + 1
	}
	return n
}

// historyBytes is what a history value (settle time, batch) counts.
func historyBytes(v []byte) int64 {
	if len(v) < 8 {
		return int64(len(v))
	}
	return batchBytes(v[8:])
}

// lost is a reference batch's lines its segment no longer holds: a crash
// under sync interval or never, or an operator, cut the segment short or
// removed it. A segment is cut at its end, so they are the batch's last.
type lost struct {
	seg uint64
	off int64 // where the first lost line was
	n   int
}

// readBatch returns a batch's events still encoded, in memory of their
// own, and whether they are log lines (decodeLogLine) or entries
// (decodeEntry). A reference batch's lines are read from its segment in
// one read; a line the segment no longer holds is nil, and lost says
// which.
func readBatch(base string, v []byte) ([][]byte, bool, lost, error) {
	if !isRefBatch(v) {
		es, err := splitBatch(append([]byte(nil), v...))
		return es, false, lost{}, err
	}
	seg, spans, err := parseRefs(v)
	if err != nil || len(spans) == 0 {
		return nil, true, lost{}, err
	}
	first, last := spans[0].off, spans[len(spans)-1]
	buf, err := readSegment(segPath(base, seg), first, last.off+last.n-first)
	if err != nil {
		return nil, true, lost{}, fmt.Errorf("log segment %d: %w", seg, err)
	}
	out, gone := make([][]byte, len(spans)), lost{seg: seg}
	for i, s := range spans {
		if s.off-first+s.n > int64(len(buf)) {
			if gone.n == 0 {
				gone.off = s.off
			}
			gone.n++
			continue
		}
		b := buf[s.off-first : s.off-first+s.n]
		out[i] = b[:len(b):len(b)]
	}
	return out, true, gone, nil
}

// readSegment reads n bytes at off of a segment, or as many as it still
// holds (none when it is gone).
func readSegment(path string, off, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:got], nil
}

// decodeRaw decodes one event of readBatch's; the body aliases raw.
func decodeRaw(raw []byte, line bool) (entry, error) {
	if !line {
		return decodeEntry(raw)
	}
	m, at, err := decodeLogLine(raw)
	return entry{Msg: m, Enqueued: at}, err
}

// pin counts, in bucket pins, one more (delta 1) or one fewer (-1)
// reference batch pointing into v's segment; batches of whole entries
// pin nothing.
func pin(tx *bolt.Tx, v []byte, delta int64) error {
	if !isRefBatch(v) {
		return nil
	}
	seg, _, err := parseRefs(v)
	if err != nil {
		return nil // a damaged batch points nowhere
	}
	b, k := tx.Bucket(bucketPins), seqKey(seg)
	var n int64
	if c := b.Get(k); len(c) == 8 {
		n = int64(binary.BigEndian.Uint64(c))
	}
	if n += delta; n <= 0 {
		return b.Delete(k)
	}
	return b.Put(k, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// pinnedSegments lists, in order, the segments a batch points into: one
// key each in bucket pins, so a few per waiting lane, not one per event.
func pinnedSegments(tx *bolt.Tx) []uint64 {
	var out []uint64
	_ = tx.Bucket(bucketPins).ForEach(func(k, _ []byte) error {
		out = append(out, keySeq(k))
		return nil
	})
	return out
}

// batchLen is how many events a batch holds.
func batchLen(v []byte) (int, error) {
	if isRefBatch(v) {
		_, spans, err := parseRefs(v)
		return len(spans), err
	}
	es, err := splitBatch(v)
	return len(es), err
}
