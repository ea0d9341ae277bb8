package action

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// The outbox's ack path is a log, not the bbolt file: Do appends the event
// as one line to a segment file through the file action's own writer
// (File: the same group commit, one write and one fsync per batch under
// SyncAlways), and returns once the line is there. The log is also where
// the event stays: an "ingester" points the bbolt lanes at committed lines
// (outboxrefs.go) in transactions off the ack path, a few bytes per event,
// and notes, in the same transaction, how far it got (meta "log": segment,
// offset). That note is the durable cursor: after a crash the ingester
// starts from it again, so a line is in a lane at least once (and, within
// one run, exactly once); receivers drop a resend by webhook-id as they
// would any other.
//
// Once the ingester has taken a segment past the segment size, it starts
// the next one: Do moves to the new File, the old one is closed (flushing
// whatever was queued), its rest taken and the cursor moved to the new
// segment's start. A segment is removed once no batch points into it any
// more and bbolt's note of that is on disk. NewOutbox takes every segment
// a previous run left past the cursor before it opens a fresh one.
var keyLogPos = []byte("log")

// logPos is the ingester's cursor: the first byte of seg not yet in bbolt.
type logPos struct {
	seg uint64
	off int64
}

func encodeLogPos(p logPos) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 16), p.seg)
	return binary.BigEndian.AppendUint64(v, uint64(p.off))
}

func decodeLogPos(v []byte) logPos {
	if len(v) != 16 {
		return logPos{seg: 1}
	}
	return logPos{seg: binary.BigEndian.Uint64(v), off: int64(binary.BigEndian.Uint64(v[8:]))}
}

// segPath is segment seg of the outbox at base.
func segPath(base string, seg uint64) string { return fmt.Sprintf("%s.log.%08d", base, seg) }

// segments lists the segments of the outbox at base, in order.
func segments(base string) ([]uint64, error) {
	names, err := filepath.Glob(filepath.Join(filepath.Dir(base), filepath.Base(base)) + ".log.*")
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, n := range names {
		prefix := filepath.Base(base) + ".log."
		if s, err := strconv.ParseUint(filepath.Base(n)[len(prefix):], 10, 64); err == nil {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, nil
}

// encodeLogLine is one event as the log holds it:
//
//	<ack unix ns>,<version>,<len of quoted id>,<len of quoted type>,<quoted id><quoted type><body>\n
//
// Quoting keeps any "\n" out of id and type, and a body is compact JSON,
// so the line's one "\n" is its end, as the file action's writer needs.
func encodeLogLine(m message, at time.Time) []byte {
	b := appendLogHead(make([]byte, 0, 48+len(m.ID)+len(m.Type)+len(m.Body)), m.ID, m.Type, m.Version, at)
	b = append(b, m.Body...)
	return append(b, '\n')
}

// eventLogLine is encodeLogLine of ev's message, built in one buffer:
// the head, then the record the file action would write (its "\n" the
// line's end).
func eventLogLine(ev event.Event, at time.Time) ([]byte, error) {
	// Room for the head and a record of about the data's size: key names,
	// id, type and received time come to well under 160 bytes besides.
	b := make([]byte, 0, 160+2*(len(ev.ID)+len(ev.Key.Type))+len(ev.Raw))
	return appendRecord(appendLogHead(b, ev.ID, ev.Key.Type, ev.Key.Version, at), ev)
}

// appendLogHead appends a line's head, up to its body. Quoting into
// arrays of its own costs no allocation for ids and types of usual length.
func appendLogHead(b []byte, id, typ string, version int, at time.Time) []byte {
	var qid, qtyp [96]byte
	quotedID, quotedType := strconv.AppendQuote(qid[:0], id), strconv.AppendQuote(qtyp[:0], typ)
	b = strconv.AppendInt(b, at.UnixNano(), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(len(quotedID)), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(len(quotedType)), 10)
	b = append(b, ',')
	b = append(b, quotedID...)
	return append(b, quotedType...)
}

var errLogLine = errors.New("malformed outbox log line")

// decodeLogLine reads what encodeLogLine wrote, without its "\n"; the body
// aliases line.
func decodeLogLine(line []byte) (message, time.Time, error) {
	var nums [4]int64
	for i := range nums {
		j := bytes.IndexByte(line, ',')
		if j < 0 {
			return message{}, time.Time{}, errLogLine
		}
		n, err := strconv.ParseInt(string(line[:j]), 10, 64)
		if err != nil || (i > 0 && n < 0) {
			return message{}, time.Time{}, errLogLine
		}
		nums[i], line = n, line[j+1:]
	}
	if nums[2]+nums[3] > int64(len(line)) {
		return message{}, time.Time{}, errLogLine
	}
	id, typ, ok := unquotePair(line[:nums[2]], line[nums[2]:nums[2]+nums[3]])
	if !ok || nums[1] > 1<<31 {
		return message{}, time.Time{}, errLogLine
	}
	body := line[nums[2]+nums[3] : len(line) : len(line)]
	return message{ID: id, Type: typ, Version: int(nums[1]), Body: body}, time.Unix(0, nums[0]).UTC(), nil
}

// unquotePair unquotes a line's id and type. Quoted ids and types rarely
// hold an escape: then both are cut from one string, one allocation per
// event for the sender, where strconv.Unquote makes one each.
func unquotePair(qid, qtyp []byte) (id, typ string, ok bool) {
	if plainQuoted(qid) && plainQuoted(qtyp) {
		var b strings.Builder
		b.Grow(len(qid) + len(qtyp))
		b.Write(qid)
		b.Write(qtyp)
		both := b.String()
		return both[1 : len(qid)-1], both[len(qid)+1 : len(both)-1], true
	}
	id, err1 := strconv.Unquote(string(qid))
	typ, err2 := strconv.Unquote(string(qtyp))
	return id, typ, err1 == nil && err2 == nil
}

// plainQuoted says q is a quoted string strconv.Unquote would take and
// return unchanged but for its quotes: no escape, quote or newline
// inside, valid UTF-8.
func plainQuoted(q []byte) bool {
	return len(q) >= 2 && q[0] == '"' && q[len(q)-1] == '"' &&
		!bytes.ContainsAny(q[1:len(q)-1], "\\\"\n") && utf8.Valid(q)
}

// openLog opens a fresh segment for Do to append to.
func (o *Outbox) openLog(seg uint64) (*File, error) {
	return NewFile(FileConfig{Path: segPath(o.cfg.Path, seg), Sync: o.cfg.Sync, Interval: o.cfg.Interval, Logger: o.log})
}

// take moves the complete lines of r from at up to limit into the bbolt
// lanes, in one transaction with the cursor, and returns the new cursor.
// With last, r is a segment nothing writes to any more: the cursor moves
// to the next segment's start, and a torn tail (a batch a crash cut short,
// never acknowledged) is left behind.
func (o *Outbox) take(ctx context.Context, r *os.File, at logPos, limit int64, last bool) (logPos, error) {
	for {
		buf := make([]byte, min(max(limit-at.off, 0), 4<<20))
		n, err := r.ReadAt(buf, at.off)
		if err != nil && !errors.Is(err, io.EOF) {
			return at, err
		}
		buf = buf[:n]
		end := bytes.LastIndexByte(buf, '\n') + 1
		if end == 0 && n == len(buf) && n > 0 && at.off+int64(n) < limit {
			// A line longer than the buffer: read it whole.
			buf = make([]byte, limit-at.off)
			if n, err = r.ReadAt(buf, at.off); err != nil && !errors.Is(err, io.EOF) {
				return at, err
			}
			buf = buf[:n]
			end = bytes.LastIndexByte(buf, '\n') + 1
		}
		next := logPos{seg: at.seg, off: at.off + int64(end)}
		more := next.off < limit && end > 0
		if last && !more {
			next = logPos{seg: at.seg + 1}
		}
		if end == 0 && next == at {
			return at, nil
		}
		// Under sync interval or never, bbolt may write its pages out
		// before the log's: an OS crash would then leave references past
		// the segment's end. The lines go to disk first.
		if end > 0 && o.cfg.Sync != SyncAlways {
			if err := r.Sync(); err != nil {
				return at, err
			}
		}
		if err := o.commitLines(ctx, at, buf[:end], next); err != nil {
			return at, err
		}
		at = next
		if !more {
			return at, nil
		}
	}
}

// commitLines points lanes at lines, which start at at in the log, and
// moves the cursor to next, in one bbolt transaction, and wakes the lanes
// that got events. With one lane no line is decoded here: its sender
// decodes it and buries one it cannot read, as this does with several.
func (o *Outbox) commitLines(ctx context.Context, at logPos, lines []byte, next logPos) error {
	batches := map[int]*refBuilder{}
	taken, lineCount := int64(len(lines)), int64(bytes.Count(lines, []byte{'\n'}))
	off := at.off
	for len(lines) > 0 {
		i := bytes.IndexByte(lines, '\n')
		line := lines[:i]
		lines = lines[i+1:]
		s := span{off: off, n: int64(i)}
		off += int64(i) + 1
		lane := 0
		if len(o.lanes) > 1 {
			m, _, err := decodeLogLine(line)
			if err != nil {
				o.buryUnreadable(line, err)
				continue
			}
			lane = o.laneOf(m)
		}
		if batches[lane] == nil {
			batches[lane] = &refBuilder{}
		}
		batches[lane].add(at.seg, s)
	}
	var count, size int64
	for _, b := range batches {
		count, size = count+b.count, size+b.bytes
	}
	err := o.w.submit(func(tx *bolt.Tx) (func(), error) {
		for lane, b := range batches {
			if err := putBatch(tx, lane, b.b); err != nil {
				return nil, err
			}
		}
		o.adding += size
		return func() { o.move(count, size, lineCount, taken) }, tx.Bucket(bucketMeta).Put(keyLogPos, encodeLogPos(next))
	}).wait(ctx)
	if err != nil {
		return err
	}
	for lane := range batches {
		if lane < len(o.lanes) {
			o.wake(lane)
		}
	}
	return nil
}

// move counts lines the commit that ran it took from the log into the
// lanes: in the commit's own callback, so that no reader sees them in
// both for longer than move takes, and the lanes' share first, so that
// Do's max_bytes check never sees them in neither. Stats waits out a move.
func (o *Outbox) move(events, bytes, lines, taken int64) {
	o.moving.Add(1)
	o.pending.Add(events)
	o.pendingBytes.Add(bytes)
	o.logged.Add(-taken)
	o.loggedEvents.Add(-lines)
	o.moving.Add(1)
}

// backlog is what the outbox holds not yet settled, events and bytes,
// read between moves.
func (o *Outbox) backlog() (int64, int64) {
	for {
		v := o.moving.Load()
		if v%2 == 0 {
			n := o.pending.Load() + max(o.loggedEvents.Load(), 0)
			b := o.pendingBytes.Load() + max(o.logged.Load(), 0)
			if o.moving.Load() == v {
				return n, b
			}
		}
		runtime.Gosched()
	}
}

// putBatch appends a batch to lane's bucket and pins its segment.
func putBatch(tx *bolt.Tx, lane int, batch []byte) error {
	b, err := tx.CreateBucketIfNotExists(laneBucket(lane))
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(seq), batch); err != nil {
		return err
	}
	return pin(tx, batch, 1)
}

// openLogs takes what a previous run left in the log, opens a fresh
// segment for Do and starts the ingester.
func (o *Outbox) openLogs() error {
	var at logPos
	if err := o.db.View(func(tx *bolt.Tx) error {
		at = decodeLogPos(tx.Bucket(bucketMeta).Get(keyLogPos))
		return nil
	}); err != nil {
		return err
	}
	at, err := o.takeLeftovers(at)
	if err != nil {
		return err
	}
	// No Do counted the leftovers' lines, which taking them took away.
	o.logged.Store(0)
	o.loggedEvents.Store(0)
	f, err := o.openLog(at.seg)
	if err != nil {
		return err
	}
	o.logf.Store(f)
	go o.runIngest(at)
	return nil
}

// closeLogs stops the ingester, then closes the segment Do appends to,
// which fsyncs it whatever the policy; the next start takes what the
// ingester had not.
func (o *Outbox) closeLogs(ctx context.Context) error {
	o.stopIngest.Do(func() { close(o.ingestStop) })
	select {
	case <-o.ingestDone:
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "webhook outbox: its log is still being read")
	}
	return o.logf.Load().Close(ctx)
}

// takeLeftovers points the lanes at every line a previous run left in the
// log past the cursor, and returns the cursor at the start of a fresh
// segment.
func (o *Outbox) takeLeftovers(at logPos) (logPos, error) {
	segs, err := segments(o.cfg.Path)
	if err != nil {
		return at, err
	}
	for _, s := range segs {
		if s < at.seg {
			continue // taken already
		}
		if s > at.seg {
			at = logPos{seg: s}
		}
		f, err := os.Open(segPath(o.cfg.Path, s))
		if err != nil {
			return at, err
		}
		fi, err := f.Stat()
		if err == nil {
			at, err = o.take(context.Background(), f, at, fi.Size(), true)
		}
		f.Close()
		if err != nil {
			return at, fmt.Errorf("log segment %d: %w", s, err)
		}
	}
	// A cursor still inside a segment means that segment is gone, with
	// lines batches point at: the fresh one takes the next number, so
	// they never read new lines as theirs. bbolt says so before any line.
	if at.off > 0 {
		at = logPos{seg: at.seg + 1}
	}
	if err := o.commitLines(context.Background(), at, nil, at); err != nil {
		return at, err
	}
	_, err = o.removeUnpinned(at.seg, swept{})
	return at, err
}

// swept is what removeUnpinned last removed segments for: the ingester's
// segment and the pinned set, so an unchanged pair costs no listing.
type swept struct {
	cur    uint64
	pinned *[]uint64
}

// removeUnpinned deletes every segment before cur (the one the ingester
// reads) that no batch points into any more, unless neither cur nor the
// pinned set changed since last; it returns what it swept for.
func (o *Outbox) removeUnpinned(cur uint64, last swept) (swept, error) {
	now := swept{cur: cur, pinned: o.pinned.Load()}
	if now == last {
		return last, nil
	}
	var pinned []uint64
	if now.pinned != nil {
		pinned = *now.pinned
	}
	segs, err := segments(o.cfg.Path)
	if err != nil {
		return last, err
	}
	var old []uint64
	for _, s := range segs {
		if _, kept := slices.BinarySearch(pinned, s); s < cur && !kept {
			old = append(old, s)
		}
	}
	if err := o.removeSegments(old); err != nil {
		return last, err
	}
	return now, nil
}

// removeSegments deletes segments no batch points into, once bbolt's
// note of that is on disk.
func (o *Outbox) removeSegments(segs []uint64) error {
	if len(segs) == 0 {
		return nil
	}
	if err := o.db.Sync(); err != nil {
		return err
	}
	for _, s := range segs {
		if err := os.Remove(segPath(o.cfg.Path, s)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// ingestPace is the least time between two of the ingester's bbolt
// transactions: each fsyncs twice and rewrites pages, a cost per
// transaction that would rival the ack path's were it paid per log commit.
const ingestPace = 20 * time.Millisecond

// runIngest moves what Do appends into bbolt as it commits, and starts a
// new segment once the current one is taken past the segment size.
func (o *Outbox) runIngest(at logPos) {
	defer close(o.ingestDone)
	tick := time.NewTicker(lazyCommit)
	defer tick.Stop()
	r, err := os.Open(segPath(o.cfg.Path, at.seg))
	if err != nil {
		o.log.Error("webhook outbox: cannot read its log; delivery stops", "endpoint", o.cfg.Name, "err", err)
		return
	}
	defer func() { r.Close() }()
	var last time.Time
	var cleaned swept
	for {
		select {
		case <-o.ingestStop:
			return
		case <-o.ingestKick:
		case <-tick.C:
		}
		// Under load, a transaction every ingestPace carries the lines of
		// many commits of the log; when quiet, a line goes at once.
		if wait := ingestPace - time.Since(last); wait > 0 {
			select {
			case <-o.ingestStop:
				return
			case <-time.After(wait):
			}
		}
		last = time.Now()
		next, err := o.take(context.Background(), r, at, o.logf.Load().written(), false)
		if err != nil {
			o.log.Error("webhook outbox: cannot move logged events to the outbox; retrying", "endpoint", o.cfg.Name, "err", err)
			continue
		}
		at = next
		if cleaned, err = o.removeUnpinned(at.seg, cleaned); err != nil {
			o.log.Error("webhook outbox: cannot remove a delivered log segment; retrying", "endpoint", o.cfg.Name, "err", err)
		}
		if at.off < o.cfg.SegmentBytes {
			continue
		}
		nr, next, err := o.rotate(r, at)
		if errors.Is(err, errStopped) {
			return
		}
		if err != nil {
			o.log.Error("webhook outbox: cannot start a new log segment; the current one grows", "endpoint", o.cfg.Name, "err", err)
			continue
		}
		r.Close()
		r, at = nr, next
	}
}

// errStopped is rotate giving up because the outbox closes: the cursor
// still names the old segment, which the next start takes first.
var errStopped = errors.New("outbox closing")

// rotate moves Do to a new segment and takes the rest of the old one,
// which stays while batches point into it; it returns a reader of the new
// segment and the cursor.
func (o *Outbox) rotate(r *os.File, at logPos) (*os.File, logPos, error) {
	nf, err := o.openLog(at.seg + 1)
	if err != nil {
		return nil, at, err
	}
	nr, err := os.Open(segPath(o.cfg.Path, at.seg+1))
	if err != nil {
		nf.Close(context.Background())
		return nil, at, err
	}
	old := o.logf.Swap(nf)
	// Close waits for the lines queued before the swap: every Do that was
	// to be acknowledged from the old segment has its line in it now.
	if err := old.Close(context.Background()); err != nil {
		o.log.Error("webhook outbox: closing a log segment failed", "endpoint", o.cfg.Name, "err", err)
	}
	// Do appends to the new segment already, but the cursor may move
	// there only with the old one's rest taken: retry until it is.
	for {
		next, err := o.take(context.Background(), r, at, old.written(), true)
		if err == nil {
			return nr, next, nil
		}
		o.log.Error("webhook outbox: cannot move the previous log segment's rest to the outbox; retrying", "endpoint", o.cfg.Name, "err", err)
		select {
		case <-o.ingestStop:
			nr.Close()
			return nil, at, errStopped
		case <-time.After(time.Second):
		}
	}
}
