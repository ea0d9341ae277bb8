package ws

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestReplyQueueCountsBytesUntilWritten: a reply counts, in the queue and
// in the server's total, from push until the writer has written it; a
// producer over the bound waits for the writer, and one with nothing
// queued is never held up by the server's total.
func TestReplyQueueCountsBytesUntilWritten(t *testing.T) {
	var total atomic.Int64
	q := newReplyQueue(&total)
	q.push(make([]byte, 60))
	q.push(make([]byte, 50))
	if q.size() != 110 || total.Load() != 110 {
		t.Fatalf("size %d, total %d; want 110 each", q.size(), total.Load())
	}
	if !q.over(100, 1000) || q.over(200, 1000) || !q.over(200, 110) {
		t.Fatal("over does not follow the connection's and the server's bounds")
	}
	if q.awaitRoom(q.size(), 100, 1000, 20*time.Millisecond) {
		t.Fatal("room without the writer writing")
	}
	items, closed := q.take(nil)
	if len(items) != 2 || closed || q.size() != 110 {
		t.Fatalf("take = %d items, closed %v, size %d: taken bytes are uncounted before written", len(items), closed, q.size())
	}
	roomy := make(chan bool)
	go func() { roomy <- q.awaitRoom(110, 100, 1000, 10*time.Second) }()
	q.written(items)
	if !<-roomy {
		t.Fatal("a waiting producer was not woken when the writer wrote")
	}
	if q.size() != 0 || total.Load() != 0 {
		t.Fatalf("after writing: size %d, total %d", q.size(), total.Load())
	}
	total.Store(1 << 30) // other connections' bytes
	if q.over(100, 1000) {
		t.Fatal("a connection with nothing queued was held up by others")
	}
	total.Store(0)
	ready := q.waitOn(&q.ready)
	q.close()
	<-ready
	if q.push([]byte("late")) {
		t.Fatal("a closed queue took a reply")
	}
	if _, closed := q.take(recycle(items)); !closed {
		t.Fatal("take did not report the close")
	}
}

// TestReplyQueueHandsOverAFramesBytes: a reply queued by handOver takes
// its frame's place in the server's total, queued, dropped or refused.
func TestReplyQueueHandsOverAFramesBytes(t *testing.T) {
	var total atomic.Int64
	q := newReplyQueue(&total)
	total.Add(100) // the frame, being processed
	if own, ok := q.handOver(make([]byte, 30), 100); !ok || own != 30 || total.Load() != 30 {
		t.Fatalf("handOver = %d, %v; total %d, want 30 queued and counted", own, ok, total.Load())
	}
	if !q.awaitRoom(30, 100, 1000, time.Millisecond) || q.awaitRoom(30, 30, 1000, time.Millisecond) {
		t.Fatal("awaitRoom does not follow the bytes handOver returned")
	}
	total.Add(50)
	q.drop()
	if _, ok := q.handOver(make([]byte, 20), 50); !ok || total.Load() != 0 {
		t.Fatalf("dropping: total %d, want the frame uncounted and the reply discarded", total.Load())
	}
	q = newReplyQueue(&total)
	q.close()
	total.Add(40)
	if _, ok := q.handOver(make([]byte, 20), 40); ok || total.Load() != 0 {
		t.Fatalf("closed: ok %v, total %d, want a refusal with the frame uncounted", ok, total.Load())
	}
}

func TestReplyQueueDropUncountsAndDiscards(t *testing.T) {
	var total atomic.Int64
	q := newReplyQueue(&total)
	q.push(make([]byte, 10))
	taken, _ := q.take(nil)
	q.push(make([]byte, 20))
	q.drop()
	if q.size() != 10 || total.Load() != 10 {
		t.Fatalf("after drop: size %d, total %d; want the 10 being written", q.size(), total.Load())
	}
	q.push(make([]byte, 30))
	if items, _ := q.take(nil); len(items) != 0 || q.size() != 10 {
		t.Fatalf("a dropped queue kept a push: %d items, size %d", len(items), q.size())
	}
	q.written(taken)
	if total.Load() != 0 {
		t.Fatalf("total %d after all was written or dropped", total.Load())
	}
}

func TestRecycleDropsBigArrays(t *testing.T) {
	big := make([][]byte, 100)
	if recycle(big) != nil {
		t.Fatal("a burst's array was kept")
	}
	small := [][]byte{[]byte("x")}
	if r := recycle(small); r == nil || len(r) != 0 || small[0] != nil {
		t.Fatal("a small array was not cleared and kept")
	}
}

// TestReplyQueueSignalsOnlyWhileWaited: the signals exist only while a
// waiter holds one, and a waiter that made its channel after the change
// it waits for sees the change itself.
func TestReplyQueueSignalsOnlyWhileWaited(t *testing.T) {
	var total atomic.Int64
	q := newReplyQueue(&total)
	q.push([]byte("a")) // no writer waits: nothing to signal, nothing made
	if q.ready != nil || q.room != nil {
		t.Fatal("a signal was made with no one waiting")
	}
	ready := q.waitOn(&q.ready)
	if !q.pending() {
		t.Fatal("the push before the wait is not seen")
	}
	items, _ := q.take(nil)
	q.push([]byte("b"))
	select {
	case <-ready:
	default:
		t.Fatal("a push while the writer waited did not signal it")
	}
	q.doneWaiting(&q.ready)
	q.written(items)
	if q.ready != nil || q.room != nil {
		t.Fatal("a signal outlived its waiter")
	}
}

func TestLatchWaitsForFire(t *testing.T) {
	var l latch
	done := make(chan struct{})
	go func() { l.wait(); close(done) }()
	l.fire()
	<-done
	l.wait() // after the fire, at once
}
