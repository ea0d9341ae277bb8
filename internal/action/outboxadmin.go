package action

import (
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OutboxStats is an endpoint as operators see it.
type OutboxStats struct {
	Name         string    `json:"name"`
	URL          string    `json:"url"`
	Delivery     string    `json:"delivery"`
	Disabled     string    `json:"disabled,omitempty"` // why, when a 410 stopped delivery
	Backlog      int64     `json:"backlog"`
	BacklogBytes int64     `json:"backlog_bytes"`
	Oldest       time.Time `json:"oldest_undelivered,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
}

// Stats reports the endpoint's backlog and its last outcomes.
func (o *Outbox) Stats() OutboxStats {
	s := OutboxStats{Name: o.cfg.Name, URL: o.cfg.Webhook.URL, Delivery: "outbox"}
	s.Backlog, s.BacklogBytes = o.backlog()
	for n := range o.heads {
		if ns := o.heads[n].Load(); ns != 0 && (s.Oldest.IsZero() || ns < s.Oldest.UnixNano()) {
			s.Oldest = time.Unix(0, ns).UTC()
		}
	}
	if s.Oldest.IsZero() && s.Backlog > 0 {
		s.Oldest = o.oldestStored()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s.Disabled, s.LastSuccess, s.LastError, s.LastErrorAt = o.disabled, o.lastSuccess, o.lastError, o.lastErrorAt
	return s
}

// oldestStored reads each lane's first unsettled event from the file, for
// when no sender holds one (a disabled endpoint).
func (o *Outbox) oldestStored() time.Time {
	var oldest time.Time
	_ = o.db.View(func(tx *bolt.Tx) error {
		for n := range o.lanes {
			b := tx.Bucket(laneBucket(n))
			if b == nil {
				continue
			}
			at := decodePos(tx.Bucket(bucketCursor).Get(laneKey(n)))
			k, v := b.Cursor().Seek(seqKey(at.batch))
			if k == nil {
				continue
			}
			if keySeq(k) != at.batch {
				at.idx = 0
			}
			es, lines, _, err := readBatch(o.cfg.Path, v)
			if err != nil || at.idx >= len(es) {
				continue
			}
			if e, err := decodeRaw(es[at.idx], lines); err == nil && (oldest.IsZero() || e.Enqueued.Before(oldest)) {
				oldest = e.Enqueued
			}
		}
		return nil
	})
	return oldest
}

func (o *Outbox) noteSuccess(at time.Time) {
	o.mu.Lock()
	o.lastSuccess = at.UTC()
	o.mu.Unlock()
}

func (o *Outbox) noteError(err error, at time.Time) {
	o.mu.Lock()
	o.lastError, o.lastErrorAt = truncate(err.Error(), 300), at.UTC()
	o.mu.Unlock()
}

// paused returns a channel closed on Enable while delivery is stopped,
// nil while it runs.
func (o *Outbox) paused() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.disabled == "" {
		return nil
	}
	return o.enabled
}

// disable stops delivery until Enable, across restarts.
func (o *Outbox) disable(why string) {
	o.mu.Lock()
	o.disabled = why
	o.mu.Unlock()
	o.log.Warn("webhook endpoint disabled; `schemagate webhooks enable` resumes it", "endpoint", o.cfg.Name, "why", why)
	o.w.submit(func(tx *bolt.Tx) (func(), error) {
		return nil, tx.Bucket(bucketMeta).Put(keyDisabled, []byte(why))
	})
}

// Enable resumes an endpoint a 410 disabled; it reports whether it was.
func (o *Outbox) Enable(ctx context.Context) (bool, error) {
	err := o.w.submit(func(tx *bolt.Tx) (func(), error) {
		return nil, tx.Bucket(bucketMeta).Delete(keyDisabled)
	}).wait(ctx)
	if err != nil {
		return false, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	was := o.disabled != ""
	if was {
		o.disabled = ""
		close(o.enabled)
		o.enabled = make(chan struct{})
	}
	return was, nil
}

// Replay queues again the delivered and dead events acknowledged at or
// after since (zero: any time) and, when id is set, only that one; they
// go to the end of their lanes with a fresh schedule and their webhook-id.
// Dead events replayed leave the dead list. It returns how many.
func (o *Outbox) Replay(ctx context.Context, since time.Time, id string) (int, error) {
	var n int
	var lanes []int
	op := o.w.submit(func(tx *bolt.Tx) (func(), error) {
		n, lanes = 0, nil
		// A batch in the history still holds the events of it that died,
		// so each id is queued once: the dead list is read first, and its
		// events leave it.
		seen := map[string]bool{}
		requeue := func(e entry) bool {
			if e.Enqueued.Before(since) || (id != "" && e.Msg.ID != id) || seen[e.Msg.ID] {
				return false
			}
			seen[e.Msg.ID] = true
			lane := o.laneOf(e.Msg)
			o.building[lane] = appendEntry(o.building[lane], encodeEntry(e.Msg, e.Enqueued))
			n, lanes = n+1, append(lanes, lane)
			return true
		}
		dead := tx.Bucket(bucketDead)
		var drop [][]byte
		err := dead.ForEach(func(k, v []byte) error {
			var e entry
			if json.Unmarshal(v, &e) == nil && requeue(e) {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, k := range drop {
			if err := dead.Delete(k); err != nil {
				return nil, err
			}
		}
		err = tx.Bucket(bucketHistory).ForEach(func(_, v []byte) error {
			if len(v) < 8 {
				return nil
			}
			es, lines, gone, err := readBatch(o.cfg.Path, v[8:])
			if err != nil {
				// A damaged batch is no reason to refuse the rest.
				o.log.Error("webhook outbox: a delivered batch cannot be read; not replayed", "endpoint", o.cfg.Name, "err", err)
				return nil
			}
			o.logLost(gone, "not replayed")
			for _, raw := range es {
				if e, err := decodeRaw(raw, lines); err == nil {
					requeue(e)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		count := int64(n)
		return func() { o.pending.Add(count) }, nil
	})
	if err := op.wait(ctx); err != nil {
		return 0, err
	}
	for _, l := range lanes {
		if l < len(o.lanes) {
			o.wake(l)
		}
	}
	return n, nil
}
