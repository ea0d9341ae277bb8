package wsio

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// countingConn records each Write, as the kernel would see syscalls; with
// room set, a write sends at most room bytes and then times out, as a
// socket whose peer stopped reading.
type countingConn struct {
	net.Conn
	writes [][]byte
	room   int // -1: unlimited
}

func (c *countingConn) Write(p []byte) (int, error) {
	if c.room >= 0 && len(p) > c.room {
		n := c.room
		c.writes = append(c.writes, append([]byte(nil), p[:n]...))
		c.room = 0
		return n, os.ErrDeadlineExceeded
	}
	if c.room > 0 {
		c.room -= len(p)
	}
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (c *countingConn) sent() string {
	return string(bytes.Join(c.writes, nil))
}

func TestBatchConnCoalescesOnlyInsideAHold(t *testing.T) {
	under := &countingConn{room: -1}
	b := NewBatchConn(under, 64<<10, NewPools(8<<10))
	_, _ = b.Write([]byte("handshake"))
	b.Hold()
	for _, m := range []string{"one", "two", "three"} {
		_, _ = b.Write([]byte(m))
	}
	if len(under.writes) != 1 {
		t.Fatalf("writes inside a hold reached the connection early: %q", under.writes)
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	_, _ = b.Write([]byte("ping"))
	want := []string{"handshake", "onetwothree", "ping"}
	if len(under.writes) != len(want) {
		t.Fatalf("writes %q, want %q", under.writes, want)
	}
	for i := range want {
		if string(under.writes[i]) != want[i] {
			t.Fatalf("write %d = %q, want %q", i, under.writes[i], want[i])
		}
	}
	if b.buf != nil {
		t.Fatal("an idle connection still holds a pooled buffer")
	}
}

func TestBatchConnFlushesEarlyWhenFull(t *testing.T) {
	under := &countingConn{room: -1}
	b := NewBatchConn(under, 1000, nil)
	b.Hold()
	big := bytes.Repeat([]byte("x"), 501)
	_, _ = b.Write(big)
	_, _ = b.Write(big)
	if len(under.writes) != 1 {
		t.Fatalf("a full batch was not sent early: %d writes", len(under.writes))
	}
	_ = b.Release()
	if len(under.writes) != 1 {
		t.Fatalf("an empty batch was flushed: %d writes", len(under.writes))
	}
}

// TestBatchConnKeepsWhatATimeoutLeft: a flush that times out keeps the
// unsent bytes, Write inside the hold still succeeds (gorilla would refuse
// every later write, the close frame too), Release reports the timeout,
// and the next write outside a hold sends the rest first: frames stay
// whole and in order.
func TestBatchConnKeepsWhatATimeoutLeft(t *testing.T) {
	under := &countingConn{room: 10}
	b := NewBatchConn(under, 16, NewPools(64))
	b.Hold()
	if _, err := b.Write([]byte(strings.Repeat("a", 20))); err != nil {
		t.Fatalf("a write inside a hold failed: %v", err)
	}
	if _, err := b.Write([]byte("bbb")); err != nil {
		t.Fatalf("a write inside a hold failed: %v", err)
	}
	if err := b.Release(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Release = %v, want the timeout", err)
	}
	if n := b.Buffered(); n != 13 {
		t.Fatalf("%d bytes kept, want the 13 not sent", n)
	}
	under.room = -1 // the peer reads again
	if _, err := b.Write([]byte("close")); err != nil {
		t.Fatal(err)
	}
	if got, want := under.sent(), strings.Repeat("a", 20)+"bbbclose"; got != want {
		t.Fatalf("sent %q, want %q", got, want)
	}
	if b.Buffered() != 0 {
		t.Fatal("bytes left after a successful write")
	}
}

func TestReadAllReusesCapacity(t *testing.T) {
	msg := strings.Repeat("x", 5000)
	buf := make([]byte, 0, 8192)
	got, err := ReadAll(iotest.OneByteReader(strings.NewReader(msg)), buf)
	if err != nil || string(got) != msg {
		t.Fatalf("ReadAll = %d bytes, %v", len(got), err)
	}
	if &got[0] != &buf[:1][0] {
		t.Fatal("a buffer with room was not reused")
	}
	if _, err := ReadAll(iotest.ErrReader(errors.New("boom")), nil); err == nil {
		t.Fatal("a read error was lost")
	}
}

// deadlineConn counts the write deadlines that reach it.
type deadlineConn struct {
	net.Conn
	set []time.Time
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error {
	c.set = append(c.set, t)
	return nil
}

func (c *deadlineConn) SetDeadline(t time.Time) error { return c.SetWriteDeadline(t) }

// TestBatchConnSetsAWriteDeadlineOnce: gorilla sets the same deadline
// before every frame of a batch; only a change reaches the socket, the
// zero time (none) included, and SetDeadline leaves nothing assumed.
func TestBatchConnSetsAWriteDeadlineOnce(t *testing.T) {
	under := &deadlineConn{}
	b := NewBatchConn(under, 64<<10, nil)
	d1 := time.Now().Add(time.Second)
	d2 := d1.Add(time.Millisecond)
	for _, d := range []time.Time{{}, {}, d1, d1, d1, d2, d2, {}, {}} {
		_ = b.SetWriteDeadline(d)
	}
	_ = b.SetDeadline(d2)
	_ = b.SetWriteDeadline(d2)
	want := []time.Time{{}, d1, d2, {}, d2, d2}
	if len(under.set) != len(want) {
		t.Fatalf("deadlines set %v, want %v", under.set, want)
	}
	for i := range want {
		if !under.set[i].Equal(want[i]) {
			t.Fatalf("deadline %d = %v, want %v", i, under.set[i], want[i])
		}
	}
}

// TestBatchConnDeadlineStillExpires: a deadline set once and then again
// (skipped) still ends a write the peer does not read.
func TestBatchConnDeadlineStillExpires(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	b := NewBatchConn(server, 64<<10, nil)
	d := time.Now().Add(50 * time.Millisecond)
	_ = b.SetWriteDeadline(d)
	_ = b.SetWriteDeadline(d)
	if _, err := b.Write([]byte("nobody reads this")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write = %v, want the deadline passing", err)
	}
}

// TestBatchConnWritesAPairAndALastWrite: a pair goes out as one write
// outside a hold and stays together inside one; after WriteLast every
// write fails and nothing more is sent.
func TestBatchConnWritesAPairAndALastWrite(t *testing.T) {
	under := &countingConn{room: -1}
	b := NewBatchConn(under, 64<<10, NewPools(64))
	if err := b.WritePair([]byte("head"), []byte("body")); err != nil {
		t.Fatal(err)
	}
	b.Hold()
	_ = b.WritePair([]byte("h2"), []byte("b2"))
	if _, err := b.WriteLast([]byte("close")); err != nil {
		t.Fatal(err)
	}
	if err := b.WritePair([]byte("late"), []byte("reply")); !errors.Is(err, ErrWritesEnded) {
		t.Fatalf("a pair after the last write: %v", err)
	}
	if _, err := b.Write([]byte("late")); !errors.Is(err, ErrWritesEnded) {
		t.Fatalf("a write after the last write: %v", err)
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	want := []string{"headbody", "h2b2close"}
	if len(under.writes) != len(want) {
		t.Fatalf("writes %q, want %q", under.writes, want)
	}
	for i := range want {
		if string(under.writes[i]) != want[i] {
			t.Fatalf("write %d = %q, want %q", i, under.writes[i], want[i])
		}
	}
}

// TestBatchConnFlushesALastWriteThatTimedOut: a close frame whose write
// timed out is kept whole, refuses any other write after it, and still
// goes out with Flush once the peer reads again.
func TestBatchConnFlushesALastWriteThatTimedOut(t *testing.T) {
	under := &countingConn{room: 2}
	b := NewBatchConn(under, 64<<10, NewPools(64))
	if _, err := b.WriteLast([]byte("close")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("WriteLast = %v, want the timeout", err)
	}
	if _, err := b.Write([]byte("again")); !errors.Is(err, ErrWritesEnded) {
		t.Fatalf("a write after the last write: %v", err)
	}
	under.room = -1
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := under.sent(); got != "close" {
		t.Fatalf("sent %q, want the whole close", got)
	}
	if b.Buffered() != 0 {
		t.Fatal("bytes left after Flush")
	}
}
