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
	if w.raw == nil || w.bc.br.Buffered() > 0 {
		return
	}
	if w.ready == nil {
		w.ready = w.peekReady
	}
	w.pool.park(w.bc.br)
	_ = w.raw.Read(w.ready)
	w.pool.fill(w.bc.br, w.bc)
}

// peekReady is RawConn.Read's callback: true when a byte (or the end of
// the stream, or an error) is there, without consuming it; false makes
// Read wait for the socket to become readable and ask again.
func (w *readWaiter) peekReady(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), w.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return n > 0 || err != syscall.EAGAIN
}
