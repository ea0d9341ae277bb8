package action

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"
)

// lane is one sender's place in its lane: the entries read ahead, and the
// last sequence number it is done with. Its marks reach the file through
// the writer without being waited for: a mark lost in a crash only means
// the event is sent again, which receivers drop by webhook-id.
type lane struct {
	n     int
	after uint64
	seqs  []uint64
	es    []entry
}

// runLane delivers lane n's events in order, one at a time.
func (o *Outbox) runLane(n int) {
	defer o.sender.Done()
	l := &lane{n: n}
	for o.ctx.Err() == nil {
		if enabled := o.paused(); enabled != nil {
			o.sleep(n, enabled, -1)
			continue
		}
		if len(l.es) == 0 && !o.fill(l) {
			continue
		}
		e := &l.es[0]
		if wait := time.Until(o.due(e)); wait > 0 {
			o.sleep(n, nil, wait)
			continue
		}
		o.deliver(l, e)
	}
}

// fill reads ahead; false means nothing to do yet (it waited).
func (o *Outbox) fill(l *lane) bool {
	seqs, es, err := peek(o.db, l.n, l.after, 64)
	if err != nil {
		o.log.Error("webhook outbox: cannot read the next events", "endpoint", o.cfg.Name, "err", err)
		o.sleep(l.n, nil, time.Second)
		return false
	}
	if len(es) == 0 {
		o.sleep(l.n, nil, -1)
		return false
	}
	l.seqs, l.es = seqs, es
	return true
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
	outcome := outcomeOf(a)
	if o.cfg.Observer != nil {
		o.cfg.Observer.WebhookAttempt(o.cfg.Name, outcome, took)
	}
	if a.Err == nil {
		o.noteSuccess(start)
		if o.cfg.Observer != nil {
			o.cfg.Observer.WebhookDelivered(o.cfg.Name, time.Since(e.Enqueued))
		}
		e.Delivered = time.Now().UTC()
		o.settle(l, e, bucketHistory)
		return
	}
	o.noteError(a.Err, start)
	e.Attempts = append(e.Attempts, attempt{At: start.UTC(), Code: a.Code, Error: truncate(a.Err.Error(), 300)})
	switch {
	case a.Code == http.StatusGone:
		// The receiver says this endpoint is gone: stop, keep the event,
		// and try it first once an operator re-enables.
		e.NextAt = time.Now()
		o.disable(fmt.Sprintf("HTTP 410 Gone at %s", start.UTC().Format(time.RFC3339)))
		o.rewrite(l, e)
	case len(e.Attempts) >= len(o.cfg.Schedule):
		o.settle(l, e, bucketDead)
		if o.cfg.Observer != nil {
			o.cfg.Observer.WebhookDead(o.cfg.Name)
		}
		o.log.Warn("webhook event not delivered after every scheduled attempt; moved to the dead letter",
			"endpoint", o.cfg.Name, "id", e.Msg.ID, "attempts", len(e.Attempts), "last_error", e.Attempts[len(e.Attempts)-1].Error)
		if o.cfg.DeadLetter != nil {
			if err := o.cfg.DeadLetter.RecordUndelivered(o.cfg.Name, e.Msg.Body, e.Attempts); err != nil {
				o.log.Error("webhook outbox: cannot write the dead letter; the event stays in the outbox's dead list",
					"endpoint", o.cfg.Name, "id", e.Msg.ID, "err", err)
			}
		}
	default:
		e.NextAt = time.Now().Add(max(o.cfg.Schedule[len(e.Attempts)], a.RetryAfter))
		o.rewrite(l, e)
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

// settle moves the lane's head to bucket (history or dead) and goes on to
// the next event.
func (o *Outbox) settle(l *lane, e *entry, bucket []byte) {
	seq, v := l.seqs[0], *e
	l.after, l.seqs, l.es = seq, l.seqs[1:], l.es[1:]
	o.w.submit(func(tx *bolt.Tx) (func(), error) {
		lb := tx.Bucket(laneBucket(l.n))
		old := lb.Get(seqKey(seq))
		if old == nil {
			return nil, nil // already settled by an earlier run
		}
		freed := int64(len(old))
		if err := lb.Delete(seqKey(seq)); err != nil {
			return nil, err
		}
		if bytes.Equal(bucket, bucketHistory) && o.cfg.History < 0 {
			return func() { o.pending.Add(-1); o.pendingBytes.Add(-freed) }, nil
		}
		size, err := put(tx.Bucket(bucket), &v)
		return func() {
			o.pending.Add(-1)
			o.pendingBytes.Add(-freed)
			if bytes.Equal(bucket, bucketHistory) {
				o.historyBytes.Add(int64(size))
			}
		}, err
	})
}

// rewrite stores the head's attempts, so a restart keeps its schedule.
func (o *Outbox) rewrite(l *lane, e *entry) {
	seq, v := l.seqs[0], *e
	v.Attempts = append([]attempt(nil), e.Attempts...)
	o.w.submit(func(tx *bolt.Tx) (func(), error) {
		lb := tx.Bucket(laneBucket(l.n))
		old := lb.Get(seqKey(seq))
		if old == nil {
			return nil, nil
		}
		b, err := json.Marshal(&v)
		if err != nil {
			return nil, err
		}
		delta := int64(len(b) - len(old))
		return func() { o.pendingBytes.Add(delta) }, lb.Put(seqKey(seq), b)
	})
}
