package action

import (
	"context"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/schemagate/schemagate/internal/status"
)

// opWriter is the outbox's one writer: every change to the file is an op
// queued here, and the writer commits all the ops queued meanwhile in one
// transaction, so one commit (and, under SyncAlways, one fsync) serves
// every event that arrived while the last one ran: the file action's
// group commit, on a store that can also delete.
type opWriter struct {
	db  *bolt.DB
	log *slog.Logger
	// after runs last in every transaction; what it returns runs once
	// the transaction has committed.
	after func(tx *bolt.Tx) (func(), error)

	writerLoop
	queue []*op // guarded by mu
}

// op is one change; err and done are its outcome, shared with the
// transaction it joined. fn returns what to do once that transaction has
// committed (nil for nothing), so that counters never count a change a
// failed commit took back.
type op struct {
	fn   func(tx *bolt.Tx) (func(), error)
	then func()
	done chan struct{}
	err  error
}

func newOpWriter(db *bolt.DB, policy SyncPolicy, interval time.Duration, log *slog.Logger, after func(*bolt.Tx) (func(), error)) *opWriter {
	w := &opWriter{db: db, log: log, after: after}
	w.writerLoop.init()
	var tick *time.Ticker
	if policy == SyncInterval {
		tick = time.NewTicker(interval)
	}
	go w.run(tick)
	return w
}

// lazyCommit bounds how long an op submitted lazily waits for a commit
// that something else asked for.
const lazyCommit = 100 * time.Millisecond

// submit queues fn and has it committed at once (with whatever else is
// queued); wait on the op's done for its outcome, or don't.
func (w *opWriter) submit(fn func(tx *bolt.Tx) (func(), error)) *op {
	o := w.queueOp(fn)
	w.wake()
	return o
}

// submitLazy queues fn to ride along with the next commit, or to be
// committed within lazyCommit: for the senders' progress, which need not
// be durable at once, so that it costs producers no commit (and no fsync)
// of its own.
func (w *opWriter) submitLazy(fn func(tx *bolt.Tx) (func(), error)) *op {
	return w.queueOp(fn)
}

func (w *opWriter) queueOp(fn func(tx *bolt.Tx) (func(), error)) *op {
	o := &op{fn: fn, done: make(chan struct{})}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		o.err = status.Unavailable(nil, "webhook outbox is closed")
		close(o.done)
		return o
	}
	w.queue = append(w.queue, o)
	w.mu.Unlock()
	return o
}

// wait returns o's outcome, or UNAVAILABLE once ctx ends; the op may still
// be committed then.
func (o *op) wait(ctx context.Context) error {
	select {
	case <-o.done:
		return o.err
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "gave up waiting for the outbox")
	}
}

func (w *opWriter) run(tick *time.Ticker) {
	defer close(w.done)
	var tc <-chan time.Time
	if tick != nil {
		defer tick.Stop()
		tc = tick.C
	}
	lazy := time.NewTicker(lazyCommit)
	defer lazy.Stop()
	for {
		select {
		case <-w.kick:
			w.commit()
		case <-lazy.C:
			w.commit()
		case <-tc:
			if err := w.db.Sync(); err != nil {
				w.log.Error("webhook outbox: background fsync failed; acknowledged events may not be durable", "err", err)
			}
		case <-w.closing:
			w.commit() // closed is set: nothing joins after this
			return
		}
	}
}

// commit runs every queued op in one transaction.
func (w *opWriter) commit() {
	w.mu.Lock()
	ops := w.queue
	w.queue = nil
	w.mu.Unlock()
	if len(ops) == 0 {
		return
	}
	var then func()
	err := w.db.Update(func(tx *bolt.Tx) error {
		for _, o := range ops {
			o.then, o.err = o.fn(tx)
		}
		var err error
		then, err = w.after(tx)
		return err
	})
	if err == nil && then != nil {
		then()
	}
	for _, o := range ops {
		if err != nil {
			o.err = status.Unavailable(err, "could not write the webhook outbox; try again")
		} else if o.err == nil && o.then != nil {
			o.then()
		}
		close(o.done)
	}
}

// close commits what is queued and stops the writer; the caller closes
// the database.
func (w *opWriter) close(ctx context.Context) error {
	return w.stop(ctx, "webhook outbox still writing")
}
