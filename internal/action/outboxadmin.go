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
	s := OutboxStats{Name: o.cfg.Name, URL: o.cfg.Webhook.URL, Delivery: "outbox",
		Backlog: o.pending.Load(), BacklogBytes: o.pendingBytes.Load()}
	for n := range o.lanes {
		if _, es, err := peek(o.db, n, 0, 1); err == nil && len(es) > 0 {
			if s.Oldest.IsZero() || es[0].Enqueued.Before(s.Oldest) {
				s.Oldest = es[0].Enqueued
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s.Disabled, s.LastSuccess, s.LastError, s.LastErrorAt = o.disabled, o.lastSuccess, o.lastError, o.lastErrorAt
	return s
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
		var added int64
		for _, name := range [][]byte{bucketHistory, bucketDead} {
			b := tx.Bucket(name)
			var keys [][]byte
			err := b.ForEach(func(k, v []byte) error {
				var e entry
				if err := json.Unmarshal(v, &e); err != nil || e.Enqueued.Before(since) || (id != "" && e.Msg.ID != id) {
					return nil
				}
				lane := o.laneOf(e.Msg)
				lb, err := tx.CreateBucketIfNotExists(laneBucket(lane))
				if err != nil {
					return err
				}
				size, err := put(lb, &entry{Msg: e.Msg, Enqueued: e.Enqueued})
				if err != nil {
					return err
				}
				n, added, lanes = n+1, added+int64(size), append(lanes, lane)
				if string(name) == string(bucketDead) {
					keys = append(keys, append([]byte(nil), k...))
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return nil, err
				}
			}
		}
		count := int64(n)
		return func() { o.pending.Add(count); o.pendingBytes.Add(added) }, nil
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
