package ws

import (
	"sync"
	"time"
)

// keptQueueArray is the largest backing array a drained queue keeps; a
// burst's bigger one is dropped so that an idle connection holds little.
const keptQueueArray = 32

// replyQueue is the bounded queue between a connection's producer (its
// reader, or a subscription's feed) and its writer. A buffered channel
// would allocate its whole capacity up front, 24 KB for 1,024 replies on
// every idle connection; this holds only what is queued.
type replyQueue struct {
	mu       sync.Mutex
	items    [][]byte
	max      int
	closed   bool
	dropping bool          // the writer has failed: accept and discard
	ready    chan struct{} // signalled when items arrive or the queue closes
	room     chan struct{} // signalled when the writer takes items
}

func newReplyQueue(max int) *replyQueue {
	return &replyQueue{max: max, ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// tryPush queues b without waiting; false when the queue is full.
func (q *replyQueue) tryPush(b []byte) bool {
	q.mu.Lock()
	switch {
	case q.dropping:
		q.mu.Unlock()
		return true
	case q.closed || len(q.items) >= q.max:
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, b)
	q.mu.Unlock()
	signal(q.ready)
	return true
}

// push queues b, waiting up to d for room.
func (q *replyQueue) push(b []byte, d time.Duration) bool {
	if q.tryPush(b) {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-q.room:
			if q.tryPush(b) {
				return true
			}
		case <-t.C:
			return q.tryPush(b)
		}
	}
}

// take hands the writer everything queued, swapping in dst's array (which
// the writer has cleared) for the next items; closed says nothing more
// will come once these are written.
func (q *replyQueue) take(dst [][]byte) (items [][]byte, closed bool) {
	q.mu.Lock()
	items, q.items = q.items, dst[:0]
	closed = q.closed
	q.mu.Unlock()
	if len(items) > 0 {
		signal(q.room)
	}
	return items, closed
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
	q.mu.Unlock()
	signal(q.ready)
}

// drop discards what is queued and all later pushes, once writing has
// failed, so that the producer never waits on a writer that is gone.
func (q *replyQueue) drop() {
	q.mu.Lock()
	q.dropping = true
	q.items = nil
	q.mu.Unlock()
	signal(q.room)
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
