package ws

import (
	"net"
	"syscall"
)

// readWait lets an idle reader wait for its socket a few calls deep, with
// no read buffer, rather than many calls down in gorilla's read with one.
// Goroutine stacks come in powers of two and the deep wait needs more
// than 2 KB; with the buffer parked too, an idle connection holds about
// half what it would.
type readWait struct {
	raw   syscall.RawConn // nil: wait in gorilla's read
	ready func(fd uintptr) bool
}

func newReadWait(c net.Conn) readWait {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return readWait{}
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return readWait{}
	}
	var peek [1]byte
	// RawConn.Read's callback: true when a byte (or the end of the
	// stream, or an error) is there, without consuming it; false makes
	// Read wait for the socket to become readable and ask again.
	ready := func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return n > 0 || err != syscall.EAGAIN
	}
	return readWait{raw: raw, ready: ready}
}

// wait parks the read buffer for the wait; when data is there already
// that costs two pool operations, less than a system call to find out
// first.
func (t *tap) wait() {
	if t.rw.raw == nil {
		return
	}
	t.park()
	_ = t.rw.raw.Read(t.rw.ready)
	t.fill()
}
