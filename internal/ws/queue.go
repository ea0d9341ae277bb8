package ws

import (
	"sync"
	"sync/atomic"
	"time"
)

// keptQueueArray is the largest backing array a drained queue keeps; a
// burst's bigger one is dropped so that an idle connection holds little.
const keptQueueArray = 32

// replyQueue is the queue between a connection's producer (its reader, or
// a subscription's feed) and its writer, bounded in bytes: a reply counts
// from when it is queued until the writer has written it (or given up),
// here and in the server's total. A buffered channel would allocate its
// whole capacity up front on every idle connection; this holds only what
// is queued. Its two signals are channels made only while someone waits
// on them (see waitOn): kept on every idle connection they were 192 of its
// 2.4 KB of heap.
type replyQueue struct {
	mu       sync.Mutex
	items    [][]byte
	bytes    int // queued or being written
	closed   bool
	dropping bool          // writing is over: accept and discard
	total    *atomic.Int64 // the server's bytes in flight, shared
	ready    chan struct{} // while a writer waits: items arrived, a ping fell due, or the queue closed
	room     chan struct{} // while the producer waits: bytes were written or dropped
}

func newReplyQueue(total *atomic.Int64) *replyQueue {
	return &replyQueue{total: total}
}

// push queues b; false once the queue is closed.
func (q *replyQueue) push(b []byte) bool {
	_, ok := q.handOver(b, 0)
	return ok
}

// handOver queues b in place of counted bytes the server's total holds
// already (the frame b answers, which stops counting as b starts): one
// change of the shared total instead of two. It returns the bytes the
// queue then holds, which can only shrink until the producer pushes again;
// false once the queue is closed.
func (q *replyQueue) handOver(b []byte, counted int) (own int, ok bool) {
	q.mu.Lock()
	switch {
	case q.dropping:
		q.mu.Unlock()
		q.total.Add(-int64(counted))
		return 0, true
	case q.closed:
		q.mu.Unlock()
		q.total.Add(-int64(counted))
		return 0, false
	}
	q.items = append(q.items, b)
	q.bytes += len(b)
	own = q.bytes
	ready := q.ready
	q.mu.Unlock()
	q.total.Add(int64(len(b) - counted))
	signal(ready)
	return own, true
}

// waitOn returns the signal *ch, made now if no one waits on it yet. The
// waiter checks what it waits for after this call and before it blocks:
// whatever changed before the channel existed, it sees then, and whatever
// changes after, signals the channel.
func (q *replyQueue) waitOn(ch *chan struct{}) chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if *ch == nil {
		*ch = make(chan struct{}, 1)
	}
	return *ch
}

// doneWaiting drops the signal *ch once its waiter is gone.
func (q *replyQueue) doneWaiting(ch *chan struct{}) {
	q.mu.Lock()
	*ch = nil
	q.mu.Unlock()
}

// notify signals *ch if someone waits on it.
func (q *replyQueue) notify(ch *chan struct{}) {
	q.mu.Lock()
	c := *ch
	q.mu.Unlock()
	signal(c)
}

// size is the bytes queued or being written.
func (q *replyQueue) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.bytes
}

// over says the producer must wait before adding more: its own bytes
// reached limit, or the server's total reached max while some of them
// are its own. A connection with nothing queued may always go on, so
// that clients who read their replies are never held up by those who do
// not; they pass the server's bound by one frame and its reply at most.
func (q *replyQueue) over(limit int, max int64) bool {
	own := q.size()
	return own >= limit || (own > 0 && q.total.Load() >= max)
}

// awaitRoom waits up to d for the producer to be under the bounds; false
// if it still is not. own is the queue's bytes as its push returned them,
// at least what it holds now: under the bounds with them, it certainly is
// (over's rule) without taking the lock again.
func (q *replyQueue) awaitRoom(own, limit int, max int64, d time.Duration) bool {
	if own < limit && (own == 0 || q.total.Load() < max) {
		return true
	}
	if !q.over(limit, max) {
		return true
	}
	room := q.waitOn(&q.room)
	defer q.doneWaiting(&q.room)
	t := time.NewTimer(d)
	defer t.Stop()
	for q.over(limit, max) {
		select {
		case <-room:
		case <-t.C:
			return !q.over(limit, max)
		}
	}
	return true
}

// take hands the writer everything queued, swapping in dst's array (which
// the writer has cleared) for the next items; closed says nothing more
// will come once these are written. The bytes stay counted until written.
func (q *replyQueue) take(dst [][]byte) (items [][]byte, closed bool) {
	q.mu.Lock()
	items, q.items = q.items, dst[:0]
	closed = q.closed
	q.mu.Unlock()
	return items, closed
}

// written uncounts replies the writer took, sent or not.
func (q *replyQueue) written(items [][]byte) {
	n := 0
	for _, b := range items {
		n += len(b)
	}
	if n == 0 {
		return
	}
	q.mu.Lock()
	q.bytes -= n
	room := q.room
	q.mu.Unlock()
	q.total.Add(-int64(n))
	signal(room)
}

// recycle returns a batch's array once written: cleared, so the replies can
// be collected, and dropped if a burst grew it.
func recycle(items [][]byte) [][]byte {
	clear(items)
	if cap(items) > keptQueueArray {
		return nil
	}
	return items[:0]
}

// pending says the writer has something to do: items, or the close.
func (q *replyQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return (len(q.items) > 0 && !q.dropping) || q.closed
}

// close says the producer is finished; the writer sends what is queued.
func (q *replyQueue) close() {
	q.mu.Lock()
	q.closed = true
	ready := q.ready
	q.mu.Unlock()
	signal(ready)
}

// drop discards what is queued and all later pushes, once replies can no
// longer go out, so that the producer never waits on a writer that is gone.
func (q *replyQueue) drop() {
	q.mu.Lock()
	q.dropping = true
	dropped := q.items
	q.items = nil
	q.mu.Unlock()
	q.written(dropped)
	q.notify(&q.room)
}

// signal wakes ch's waiter, if it has not been woken already; a nil ch
// (no one waits) is a no-op.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// latch is an event that happens once, with no channel until someone
// waits for it: a connection's writer ending, which only its end awaits.
type latch struct {
	mu    sync.Mutex
	fired bool
	ch    chan struct{}
}

// fire marks the event and wakes its waiters.
func (l *latch) fire() {
	l.mu.Lock()
	l.fired = true
	ch := l.ch
	l.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// wait returns once the event has happened.
func (l *latch) wait() {
	l.mu.Lock()
	if l.fired {
		l.mu.Unlock()
		return
	}
	if l.ch == nil {
		l.ch = make(chan struct{})
	}
	ch := l.ch
	l.mu.Unlock()
	<-ch
}
