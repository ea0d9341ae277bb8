package ws

import (
	"testing"
	"time"
)

func TestReplyQueueBoundsAndWakes(t *testing.T) {
	q := newReplyQueue(2)
	if !q.tryPush([]byte("a")) || !q.tryPush([]byte("b")) {
		t.Fatal("a queue with room refused a reply")
	}
	if q.tryPush([]byte("c")) {
		t.Fatal("a full queue took a third reply")
	}
	if q.push([]byte("c"), 20*time.Millisecond) {
		t.Fatal("push into a full queue succeeded without the writer taking")
	}
	pushed := make(chan bool)
	go func() { pushed <- q.push([]byte("c"), 5*time.Second) }()
	time.Sleep(10 * time.Millisecond)
	<-q.ready
	items, closed := q.take(nil)
	if len(items) != 2 || closed {
		t.Fatalf("take = %q, closed %v", items, closed)
	}
	if !<-pushed {
		t.Fatal("a waiting push was not woken when the writer took")
	}
	q.close()
	<-q.ready
	items, closed = q.take(recycle(items))
	if len(items) != 1 || string(items[0]) != "c" || !closed {
		t.Fatalf("after close: take = %q, closed %v", items, closed)
	}
	if q.tryPush([]byte("d")) {
		t.Fatal("a closed queue took a reply")
	}
}

func TestReplyQueueDropUnblocksTheProducer(t *testing.T) {
	q := newReplyQueue(1)
	q.tryPush([]byte("a"))
	pushed := make(chan bool)
	go func() { pushed <- q.push([]byte("b"), 5*time.Second) }()
	time.Sleep(10 * time.Millisecond)
	q.drop()
	if !<-pushed {
		t.Fatal("push still refused after the writer failed")
	}
	if items, _ := q.take(nil); len(items) != 0 {
		t.Fatalf("a dropped queue still holds %q", items)
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
