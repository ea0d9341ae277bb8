package wsio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// tcpPair is a connected pair of loopback sockets: the near end is
// wrapped in a BatchConn, which must take the raw path on a real socket.
func tcpPair(t *testing.T, pools *Pools) (*BatchConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	near, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	far := <-accepted
	if far == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { near.Close(); far.Close() })
	b := NewBatchConn(near, 64<<10, pools)
	if b.raw == nil {
		t.Fatal("a BatchConn over TCP does not write raw")
	}
	return b, far
}

// pattern is n bytes that show a lost, repeated or reordered piece.
func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i * 7 / 3)
	}
	return p
}

func TestRawWritesWaitForRoomAndSendEverything(t *testing.T) {
	for _, pools := range []*Pools{nil, NewPools(64)} {
		rawWritesSendEverything(t, pools)
	}
}

func rawWritesSendEverything(t *testing.T, pools *Pools) {
	b, far := tcpPair(t, pools)
	want := pattern(16 << 20) // far beyond both socket buffers: the writer must wait
	got := make(chan []byte, 1)
	go func() {
		time.Sleep(50 * time.Millisecond) // let the socket fill first
		all, _ := io.ReadAll(io.LimitReader(far, int64(len(want))))
		got <- all
	}()
	if n, err := b.Write(want); err != nil || n != len(want) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if !bytes.Equal(<-got, want) {
		t.Fatal("the peer did not read exactly what was written")
	}
}

// TestRawWriteStopsAtTheDeadlineAndKeepsTheRest: a write that times out
// while it waits for room keeps what it did not send, and a later flush
// sends that, so the peer reads every byte once and in order. The deadline
// is set only once a byte has reached the peer, so the write has certainly
// begun however slow the machine: a deadline set before it could pass
// before the first byte went out.
func TestRawWriteStopsAtTheDeadlineAndKeepsTheRest(t *testing.T) {
	b, far := tcpPair(t, NewPools(64))
	want := pattern(16 << 20) // far beyond both socket buffers: the write must wait
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := b.Write(want)
		done <- result{n, err}
	}()
	got := make([]byte, 1, len(want))
	if _, err := io.ReadFull(far, got); err != nil {
		t.Fatal(err)
	}
	// Past the BatchConn, whose lock the waiting write holds.
	if err := b.Conn.SetWriteDeadline(time.Now()); err != nil {
		t.Fatal(err)
	}
	r := <-done
	var ne net.Error
	if !errors.As(r.err, &ne) || !ne.Timeout() {
		t.Fatalf("Write = %d, %v; want a timeout", r.n, r.err)
	}
	if r.n <= 0 || r.n >= len(want) {
		t.Fatalf("Write sent %d of %d bytes before its deadline", r.n, len(want))
	}
	if kept := b.Buffered(); kept != len(want)-r.n {
		t.Fatalf("kept %d bytes after the timeout, want the %d unsent", kept, len(want)-r.n)
	}
	rest := make(chan []byte, 1)
	go func() {
		all, _ := io.ReadAll(io.LimitReader(far, int64(len(want)-1)))
		rest <- all
	}()
	if err := b.SetWriteDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatalf("Flush after the timeout: %v", err)
	}
	if got = append(got, <-rest...); !bytes.Equal(got, want) {
		t.Fatalf("the peer read %d bytes, not exactly the %d written", len(got), len(want))
	}
}

func TestRawWriteToAGonePeerFails(t *testing.T) {
	b, far := tcpPair(t, nil)
	far.(*net.TCPConn).SetLinger(0) // the close resets: later writes fail at once
	far.Close()
	chunk := pattern(64 << 10)
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for err == nil && time.Now().Before(deadline) {
		_, err = b.Write(chunk)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("writing to a reset peer: %v; want ECONNRESET or EPIPE", err)
	}
}

// TestRawWriteAllocatesNothing: a write borrows its state and gives it
// back, so with pools an idle connection holds none.
func TestRawWriteAllocatesNothing(t *testing.T) {
	b, far := tcpPair(t, NewPools(64))
	go func() { _, _ = io.Copy(io.Discard, far) }()
	frame := pattern(200)
	if allocs := testing.AllocsPerRun(200, func() {
		if _, err := b.Write(frame); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Fatalf("a raw write allocates %v times", allocs)
	}
	if b.own != nil || b.Buffered() != 0 {
		t.Fatal("an idle BatchConn with pools keeps a raw write's state or a buffer")
	}
}

// TestRawCallsOrderForTheRaceDetector: under -race, what a goroutine did
// before a raw write happens before what the peer's reader does after
// reading it, and what the peer did before writing happens before what
// follows a ReadNow, as through net.Conn. Raw system calls tell the race
// detector none of it, and this test then fails with a data race on
// written (rawsys_race.go).
func TestRawCallsOrderForTheRaceDetector(t *testing.T) {
	b, far := tcpPair(t, nil)
	var written int
	go func() {
		written = 1
		_, _ = b.Write([]byte("w"))
	}()
	if _, err := io.ReadFull(far, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	if written != 1 {
		t.Fatal("the write's byte came before the write")
	}
	go func() {
		written = 2
		_, _ = far.Write([]byte("r"))
	}()
	var n int
	var errno syscall.Errno
	if err := b.raw.Read(func(fd uintptr) bool {
		n, errno = ReadNow(fd, make([]byte, 1))
		return errno != syscall.EAGAIN
	}); err != nil || n != 1 || errno != 0 {
		t.Fatalf("ReadNow = %d, %v (%v)", n, errno, err)
	}
	if written != 2 {
		t.Fatal("the read's byte came before the write")
	}
}

// TestRawReadsReadEverythingThenTheEnd: a BatchConn WithRawReads reads
// what the peer sent, in order, waiting when nothing is there yet, then
// io.EOF once the peer has closed; a read deadline still ends a wait.
func TestRawReadsReadEverythingThenTheEnd(t *testing.T) {
	b, far := tcpPair(t, nil)
	c := b.WithRawReads()
	if c == net.Conn(b) {
		t.Fatal("WithRawReads on a TCP socket does not read raw")
	}
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	var ne net.Error
	if n, err := c.Read(make([]byte, 8)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Read with nothing sent = %d, %v; want a timeout", n, err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	want := pattern(4 << 20) // more than a socket buffer: the reader must wait
	go func() {
		_, _ = far.Write(want)
		far.Close()
	}()
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (%v), not exactly the %d written", len(got), err, len(want))
	}
	if n, err := c.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("Read after the end = %d, %v; want io.EOF", n, err)
	}
}

// TestRawReadAllocatesNothing: the read's callback is bound once.
func TestRawReadAllocatesNothing(t *testing.T) {
	b, far := tcpPair(t, nil)
	c := b.WithRawReads()
	p := make([]byte, 1)
	if allocs := testing.AllocsPerRun(200, func() {
		if _, err := far.Write(p); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, p); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Fatalf("a raw read allocates %v times", allocs)
	}
}
