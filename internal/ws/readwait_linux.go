package ws

import (
	"errors"
	"runtime"
	"syscall"

	"github.com/schemagate/schemagate/internal/wsio"
)

// This file is gorilla.go's platform half: it reads into, and parks, the
// buffer gorilla adopted, under the points gorilla.go lists and
// gorilla_test.go pins.

// readWait lets an idle reader wait for its socket a few calls deep, with
// no read buffer, rather than many calls down in gorilla's read with one.
// Goroutine stacks come in powers of two and the deep wait needs more
// than 2 KB; with the buffer parked too, an idle connection holds about
// half what it would.
type readWait struct {
	raw   syscall.RawConn // nil: wait in gorilla's read
	ready func(fd uintptr) bool
}

// newReadWait waits on raw, the socket beneath the tap's BatchConn (nil:
// none, and gorilla's read waits).
func (t *tap) newReadWait(raw syscall.RawConn) readWait {
	if raw == nil {
		return readWait{}
	}
	return readWait{raw: raw, ready: t.fillNow}
}

// Results of a read that must not block (readSocket).
var (
	errWouldBlock = errors.New("ws: nothing to read yet")
	// errLeftToRead: the socket ended or failed; gorilla's own read finds
	// out how. An error the socket reports once (a reset) then reads as
	// the stream's end, and gorilla reports both alike (1006).
	errLeftToRead = errors.New("ws: left to gorilla's read")
)

// wait returns once the read buffer holds bytes or the socket has ended,
// failed or passed its read deadline. It first reads whatever the socket
// has into the buffer; only when that is nothing does it park the buffer
// and wait. The read is the one gorilla would have made next, so a
// connection with bytes waiting makes one system call, and one that waits
// makes two; peeking at the socket first made two and three.
func (t *tap) wait() {
	if t.rw.raw == nil {
		return
	}
	_ = t.rw.raw.Read(t.rw.ready)
	if t.br.Size() == 0 { // parked, and the deadline passed or the socket failed
		t.fill()
	}
}

// fillNow is RawConn.Read's callback: it fills the read buffer from the
// socket fd without blocking. False (nothing there yet) parks the buffer
// and makes Read wait for the socket to become readable and call again.
func (t *tap) fillNow(fd uintptr) bool {
	if t.br.Size() == 0 {
		t.fill()
	}
	t.pollFD, t.polling = int32(fd), true
	_, err := t.br.Peek(1) // reads through t.Read into the buffer
	if t.s.poll.budget > 0 {
		err = t.pollAWhile(err)
	}
	t.polling = false
	if err == errWouldBlock {
		t.park()
		return false
	}
	return true
}

// pollAWhile keeps reading a socket that had nothing, within busyPoller's
// bounds, and returns the last read's error: errWouldBlock when the
// reader must park after all. Each turn lets the other goroutines of the
// process run first, then the threads waiting for its core.
func (t *tap) pollAWhile(err error) error {
	p := &t.s.poll
	if err != errWouldBlock {
		t.ps.arrived(p)
		return err
	}
	if t.ps.waitFrom == 0 {
		t.ps.waitFrom = p.since()
	}
	if !t.ps.quick || !p.take() {
		return err
	}
	defer p.release()
	until := t.ps.waitFrom + int64(p.budget)
	for err == errWouldBlock {
		runtime.Gosched()
		_, _, _ = syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
		// The bounds are read after the yields, which can last long on a
		// busy machine: a read past them would poll beyond the budget. The
		// runtime does not look at the read deadline while this callback
		// runs: a close decided meanwhile (which expires it so that the
		// reader returns at once) ends the poll through over.
		if !p.quiet() || p.since() >= until || t.ps.over.Load() {
			break
		}
		_, err = t.br.Peek(1)
	}
	caught := err != errWouldBlock
	if caught {
		t.ps.waitFrom = 0 // came in time: still quick
	}
	t.s.o.Metrics.BusyPolled(caught)
	return err
}

// readSocket is tap.Read while fillNow runs: one read of the socket that
// never blocks, made without the scheduler's bookkeeping for a call that
// might (wsio.ReadNow says why).
func (t *tap) readSocket(p []byte) (int, error) {
	for {
		n, errno := wsio.ReadNow(uintptr(t.pollFD), p)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return 0, errWouldBlock
		case errno != 0 || n <= 0:
			return 0, errLeftToRead
		}
		return n, nil
	}
}
