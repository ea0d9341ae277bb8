package ws

import (
	"syscall"
)

// readWaiter lets an idle reader wait for its socket a few calls deep,
// with no read buffer, rather than many calls down in gorilla's read with
// one. Goroutine stacks come in powers of two and the deep wait needs more
// than 2 KB; with the buffer parked too, an idle connection holds about
// half what it would.
type readWaiter struct {
	bc    *batchConn
	raw   syscall.RawConn
	pool  readerPool
	ready func(fd uintptr) bool
	peek  [1]byte
}

func newReadWaiter(bc *batchConn, s *Server) readWaiter {
	var w readWaiter
	if bc == nil || bc.br == nil {
		return w
	}
	sc, ok := bc.Conn.(syscall.Conn)
	if !ok {
		return w
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return w
	}
	w.bc, w.raw, w.pool = bc, raw, s.readers
	return w
}

// awaitFrame returns once the socket has something to read (or has
// failed, or the read deadline passed: gorilla's read then says which),
// unless a frame may already be buffered. The buffer is parked for the
// wait; when data is there already that costs two pool operations, less
// than a system call to find out first.
func (c *conn) awaitFrame() {
	w := &c.wait
	if w.raw == nil {
		return
	}
	if w.ready == nil {
		w.ready = w.peekReady
	}
	for w.bc.br.Buffered() == 0 {
		w.pool.park(w.bc.br)
		_ = w.raw.Read(w.ready)
		w.pool.fill(w.bc.br, w.bc)
		if !c.skipPong() {
			return
		}
	}
}

// skipPong consumes a whole pong at the head of the read buffer and
// extends the deadline, as the pong handler would. Left to gorilla, a pong
// is handled inside its read, which then waits there, deep and holding the
// buffer, for the next frame: every idle connection would go back to the
// large stack after its first ping. Only the exact shape of a client's
// pong is taken (final, no extension bits, masked, at most 125 bytes, all
// buffered); anything else is gorilla's to read and to judge.
func (c *conn) skipPong() bool {
	br := c.wait.bc.br
	h, err := br.Peek(2)
	if err != nil || h[0] != 0x8A || h[1]&0x80 == 0 || h[1]&0x7f > 125 {
		return false
	}
	size := 2 + 4 + int(h[1]&0x7f)
	if br.Buffered() < size {
		return false
	}
	_, _ = br.Discard(size)
	c.extendDeadline()
	return true
}

// peekReady is RawConn.Read's callback: true when a byte (or the end of
// the stream, or an error) is there, without consuming it; false makes
// Read wait for the socket to become readable and ask again.
func (w *readWaiter) peekReady(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), w.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return n > 0 || err != syscall.EAGAIN
}
