package action

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// lane is one sender's place: the batch it delivers from and the next
// event in it. Its progress reaches the file through the writer without
// being waited for: progress lost in a crash only means events are sent
// again, which receivers drop by webhook-id.
type lane struct {
	n     int
	at    pos      // the next event to deliver
	batch [][]byte // the batch at.batch, nil until loaded
	lines bool     // batch holds log lines, not entries
	head  *entry   // the event at at, once decoded
	cur   entry    // where head points for an event decoded from batch
}

// runLane delivers lane n's events in order, one at a time.
func (o *Outbox) runLane(n int) {
	defer o.sender.Done()
	l := &lane{n: n}
	if err := o.db.View(func(tx *bolt.Tx) error {
		l.at = decodePos(tx.Bucket(bucketCursor).Get(laneKey(n)))
		return nil
	}); err != nil {
		o.log.Error("webhook outbox: cannot read where delivery stopped", "endpoint", o.cfg.Name, "err", err)
	}
	for o.ctx.Err() == nil {
		if enabled := o.paused(); enabled != nil {
			o.sleep(n, enabled, -1)
			continue
		}
		e, ok := o.next(l)
		if !ok {
			continue
		}
		if wait := time.Until(o.due(e)); wait > 0 {
			o.sleep(n, nil, wait)
			continue
		}
		o.deliver(l, e)
	}
}

// next returns the lane's head, loading batches and retiring finished
// ones; false means nothing to do yet (it waited).
func (o *Outbox) next(l *lane) (*entry, bool) {
	if l.head != nil {
		return l.head, true
	}
	if l.batch == nil {
		at, es, lines, head, gone, err := loadBatch(o.db, o.cfg.Path, l.n, l.at)
		switch {
		case err != nil:
			o.log.Error("webhook outbox: cannot read the next events", "endpoint", o.cfg.Name, "err", err)
			o.sleep(l.n, nil, time.Second)
			return nil, false
		case es == nil:
			o.heads[l.n].Store(0)
			o.sleep(l.n, nil, -1)
			return nil, false
		}
		l.at, l.batch, l.lines, l.head = at, es, lines, head
		o.logLost(gone, "skipped")
		if l.head != nil {
			o.heads[l.n].Store(l.head.Enqueued.UnixNano())
			return l.head, true
		}
	}
	if l.at.idx >= len(l.batch) {
		o.retire(l)
		return nil, false
	}
	if l.batch[l.at.idx] == nil {
		// Lost from the log (logged with the batch): nothing to send.
		if o.cfg.Observer != nil {
			o.cfg.Observer.WebhookDead(o.cfg.Name)
		}
		o.advance(l, false)
		return nil, false
	}
	e, err := decodeRaw(l.batch[l.at.idx], l.lines)
	if err != nil {
		o.buryUnreadable(l.batch[l.at.idx], err)
		o.advance(l, false)
		return nil, false
	}
	l.cur = e
	l.head = &l.cur
	o.heads[l.n].Store(e.Enqueued.UnixNano())
	return l.head, true
}

// buryUnreadable gives up on an event that cannot be decoded: logged,
// counted dead, and its raw bytes (as a JSON string) in the dead letter
// with the reason as its one attempt, so an operator can mend it.
func (o *Outbox) buryUnreadable(raw []byte, why error) {
	o.log.Error("webhook outbox: an event cannot be read; moved to the dead letter", "endpoint", o.cfg.Name, "err", why)
	if o.cfg.Observer != nil {
		o.cfg.Observer.WebhookDead(o.cfg.Name)
	}
	if o.cfg.DeadLetter == nil {
		return
	}
	body, err := json.Marshal(string(raw))
	if err == nil {
		attempts := []Attempt{{At: time.Now().UTC(), Error: "cannot be read: " + why.Error()}}
		err = o.cfg.DeadLetter.RecordUndelivered(o.ctx, o.cfg.Name, body, attempts)
	}
	if err != nil {
		o.log.Error("webhook outbox: cannot write the dead letter", "endpoint", o.cfg.Name, "err", err)
	}
}

// logLost says, at ERROR, which lines of a batch its segment no longer
// holds, and what becomes of them.
func (o *Outbox) logLost(gone lost, fate string) {
	if gone.n > 0 {
		o.log.Error("webhook outbox: events lost from the log (its segment is shorter than the outbox's references, or gone); "+fate,
			"endpoint", o.cfg.Name, "segment", gone.seg, "offset", gone.off, "events", gone.n)
	}
}

// due is when e's next attempt is: its schedule's first wait after the
// ack, then whatever the last failure set.
func (o *Outbox) due(e *entry) time.Time {
	if len(e.Attempts) == 0 {
		return e.Enqueued.Add(o.cfg.Schedule[0])
	}
	return e.NextAt
}

// sleep waits for d (forever if negative), a wake of lane n, enabled
// closing, or Close.
func (o *Outbox) sleep(n int, enabled <-chan struct{}, d time.Duration) {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
	case <-o.lanes[n]:
	case <-enabled:
	case <-o.ctx.Done():
	}
}

// deliver makes one attempt at the lane's head and settles its outcome.
func (o *Outbox) deliver(l *lane, e *entry) {
	start := time.Now()
	a := o.post.attempt(o.ctx, e.Msg)
	if a.Canceled {
		return // closing; the event stays for the next start
	}
	took := time.Since(start)
	if o.cfg.Observer != nil {
		o.cfg.Observer.WebhookAttempt(o.cfg.Name, outcomeOf(a), took)
	}
	if a.Err == nil {
		o.noteSuccess(start)
		if o.cfg.Observer != nil {
			o.cfg.Observer.WebhookDelivered(o.cfg.Name, time.Since(e.Enqueued))
		}
		o.advance(l, len(e.Attempts) > 0)
		return
	}
	o.noteError(a.Err, start)
	e.Attempts = append(e.Attempts, Attempt{At: start.UTC(), Code: a.Code, Error: truncate(a.Err.Error(), 300)})
	switch {
	case a.Code == http.StatusGone:
		// The receiver says this endpoint is gone: stop, keep the event,
		// and try it first once an operator re-enables.
		e.NextAt = time.Now()
		o.disable(fmt.Sprintf("HTTP 410 Gone at %s", start.UTC().Format(time.RFC3339)))
		o.keepAttempts(l, e)
	case len(e.Attempts) >= len(o.cfg.Schedule):
		o.bury(l, e)
	default:
		e.NextAt = time.Now().Add(max(o.cfg.Schedule[len(e.Attempts)], a.RetryAfter))
		o.keepAttempts(l, e)
	}
}

// bury moves an event whose schedule ran out to the dead list and the
// dead letter, and goes on.
func (o *Outbox) bury(l *lane, e *entry) {
	dead := *e
	o.w.submitLazy(func(tx *bolt.Tx) (func(), error) {
		return nil, putEntry(tx.Bucket(bucketDead), &dead)
	})
	o.advance(l, true)
	if o.cfg.Observer != nil {
		o.cfg.Observer.WebhookDead(o.cfg.Name)
	}
	o.log.Warn("webhook event not delivered after every scheduled attempt; moved to the dead letter",
		"endpoint", o.cfg.Name, "id", e.Msg.ID, "attempts", len(e.Attempts), "last_error", e.Attempts[len(e.Attempts)-1].Error)
	if o.cfg.DeadLetter != nil {
		if err := o.cfg.DeadLetter.RecordUndelivered(o.ctx, o.cfg.Name, e.Msg.Body, e.Attempts); err != nil {
			o.log.Error("webhook outbox: cannot write the dead letter; the event stays in the outbox's dead list",
				"endpoint", o.cfg.Name, "id", e.Msg.ID, "err", err)
		}
	}
}

func outcomeOf(a answer) string {
	switch {
	case a.Err == nil:
		return "delivered"
	case a.Code == http.StatusGone:
		return "gone"
	case a.Code != 0:
		return "http_error"
	case a.TimedOut:
		return "timeout"
	default:
		return "unreachable"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// advance settles the head and moves the lane's cursor past it; hadHead
// says the head had stored attempts to drop.
func (o *Outbox) advance(l *lane, hadHead bool) {
	done := l.at
	l.at.idx++
	l.head = nil
	if hadHead {
		n := l.n
		o.w.submitLazy(func(tx *bolt.Tx) (func(), error) {
			return nil, tx.Bucket(bucketHeads).Delete(headKey(n, done))
		})
	}
	o.noteProgress(l.n, l.at, 1, 0)
}

// retire moves a finished batch to the history (or drops it) and points
// the lane at the next one.
func (o *Outbox) retire(l *lane) {
	seq := l.at.batch
	l.at, l.batch, l.head = pos{batch: seq + 1}, nil, nil
	o.noteProgress(l.n, l.at, 0, seq+1)
}

// progress is what a lane's sender did since the last commit took it:
// delivering an event costs no transaction of its own, and the many a
// commit carries cost one write of the cursor.
type progress struct {
	mu      sync.Mutex
	at      pos      // the cursor to store
	settled int64    // events settled
	retired []uint64 // batches finished, to move to the history
	queued  bool     // an op that will take all this is queued
}

// noteProgress records a lane's new cursor, settled events and a retired
// batch (its seq + 1; 0 for none), and queues the op that stores them
// unless one is queued already.
func (o *Outbox) noteProgress(n int, at pos, settled int64, retired uint64) {
	p := &o.progress[n]
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at, p.settled = at, p.settled+settled
	if retired > 0 {
		p.retired = append(p.retired, retired-1)
	}
	if !p.queued {
		p.queued = true
		o.w.submitLazy(func(tx *bolt.Tx) (func(), error) { return o.storeProgress(tx, n) })
	}
}

// storeProgress writes lane n's progress in tx; counters follow once it
// has committed, and only then does the progress leave p: a commit that
// fails (ENOSPC, EIO) leaves it for the lane's next one, rather than a
// retired batch pinned below the cursor for good.
func (o *Outbox) storeProgress(tx *bolt.Tx, n int) (func(), error) {
	p := &o.progress[n]
	p.mu.Lock()
	at, settled, retired := p.at, p.settled, slices.Clone(p.retired)
	p.queued = false
	p.mu.Unlock()
	var freed, kept int64
	for _, seq := range retired {
		f, k, err := moveToHistory(tx, n, seq, o.cfg.History)
		if err != nil {
			return nil, err
		}
		freed, kept = freed+f, kept+k
	}
	return func() {
		p.mu.Lock()
		p.settled -= settled
		p.retired = slices.Delete(p.retired, 0, len(retired))
		p.mu.Unlock()
		o.pending.Add(-settled)
		o.pendingBytes.Add(-freed)
		o.historyBytes.Add(kept)
	}, tx.Bucket(bucketCursor).Put(laneKey(n), encodePos(at))
}

// moveToHistory moves batch seq of lane n to the history, or drops it
// when none is kept (history negative); it returns the bytes freed and
// kept. A reference batch moves as it is: its segment's pin goes with it.
func moveToHistory(tx *bolt.Tx, n int, seq uint64, history time.Duration) (int64, int64, error) {
	lb := tx.Bucket(laneBucket(n))
	v := lb.Get(seqKey(seq))
	if v == nil {
		return 0, 0, nil
	}
	size := batchBytes(v)
	var kept int64
	if history < 0 {
		if err := pin(tx, v, -1); err != nil {
			return 0, 0, err
		}
	} else {
		h := tx.Bucket(bucketHistory)
		hseq, err := h.NextSequence()
		if err != nil {
			return 0, 0, err
		}
		hv := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(v)), uint64(time.Now().UnixNano()))
		hv = append(hv, v...)
		if err := h.Put(seqKey(hseq), hv); err != nil {
			return 0, 0, err
		}
		kept = historyBytes(hv)
	}
	return size, kept, lb.Delete(seqKey(seq))
}

// keepAttempts stores the head's attempts, so a restart keeps its
// schedule.
func (o *Outbox) keepAttempts(l *lane, e *entry) {
	at, n := l.at, l.n
	v, err := json.Marshal(e)
	if err != nil {
		o.log.Error("webhook outbox: cannot encode an event's attempts", "endpoint", o.cfg.Name, "err", err)
		return
	}
	o.w.submitLazy(func(tx *bolt.Tx) (func(), error) {
		return nil, tx.Bucket(bucketHeads).Put(headKey(n, at), v)
	})
}
