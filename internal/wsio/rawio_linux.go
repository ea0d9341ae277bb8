package wsio

import (
	"io"
	"net"
	"os"
	"syscall"
)

// This file makes a socket's reads and writes without telling the Go
// scheduler: syscall.RawSyscall instead of syscall.Syscall. Both are
// only ever made on a socket the runtime's poller set non-blocking, and
// only where the poller waits instead of the system call (RawConn.Read
// and RawConn.Write, or a caller's own wait), so none of them can block
// the thread.
//
// Why: syscall.Syscall announces a call that might block. When every P
// is idle, the runtime's monitor thread (sysmon) sleeps, and each such
// announcement wakes it, so that it could hand the P on. At one frame in
// flight every P is idle between frames, so each frame's read and reply
// woke that thread once or twice: one more context switch per frame than
// an event loop makes, and on a loaded two-core machine a thread that
// competes with the client for a core, which is what a latency tail is
// made of. gVisor's netstack (rawfile) reads and writes non-blocking
// descriptors with RawSyscall for the same reason. The runtime's own
// poller does too. What the sleeping monitor leaves undone is preempting
// a goroutine that computes for more than 10 ms without a system call:
// that waits for the monitor's next wake-up (an ordinary system call, such
// as gorilla's own reads of a busy connection, or a timer), while the
// other P's work stealing runs what is queued behind it.
//
// The calls themselves are in sysRead and sysWrite (rawsys_*.go): a race
// build makes them through syscall.Read and syscall.Write instead, whose
// annotations tell the race detector what a raw call cannot. The kernel
// writes the read buffer and reads the written one, which -race checks
// against every other access (the buffers are pooled and lent out), and
// what one goroutine did before writing to a socket happens before what
// another does after reading it, as through any net.Conn.

// ReadNow makes one read of the non-blocking socket fd into p: n bytes,
// or the errno (EAGAIN when nothing is there yet).
func ReadNow(fd uintptr, p []byte) (int, syscall.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	return sysRead(fd, p)
}

// rawCall is the state of one read or write through RawConn, which waits
// on the poller (honouring the deadline) whenever the socket is not
// ready. Its callback is bound once and the state kept in fields, so that
// a call allocates nothing.
type rawCall struct {
	fill func(fd uintptr) bool
	p    []byte
	n    int
	err  error
}

func (c *rawCall) start(p []byte) { c.p, c.n, c.err = p, 0, nil }

// finish is the call's result, given what RawConn.Read or Write
// returned: the bytes moved, and its error or the callback's.
func (c *rawCall) finish(err error) (int, error) {
	n := c.n
	if err == nil {
		err = c.err
	}
	c.p, c.err = nil, nil
	return n, err
}

// rawWriter writes through RawConn.Write; a BatchConn borrows one only
// while it writes (Pools), so an idle connection holds none.
type rawWriter struct{ rawCall }

func newRawWriter() *rawWriter {
	w := &rawWriter{}
	w.fill = w.writeNow
	return w
}

// rawConnOf returns c's socket, or nil when c is not a socket of the
// runtime's poller (a TLS connection, a pipe in a test).
func rawConnOf(c net.Conn) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// write is net.Conn's Write on raw: all of p, or the bytes written before
// an error (a deadline passed, the peer gone).
func (w *rawWriter) write(raw syscall.RawConn, p []byte) (int, error) {
	w.start(p)
	return w.finish(raw.Write(w.fill))
}

// writeNow is RawConn.Write's callback: it writes what it can; false (the
// socket is full) makes Write wait for room and call again.
func (w *rawWriter) writeNow(fd uintptr) bool {
	for w.n < len(w.p) {
		n, e := sysWrite(fd, w.p[w.n:])
		switch e {
		case 0:
			w.n += n
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			w.err = &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", e)}
			return true
		}
	}
	return true
}

// rawReadConn is a BatchConn whose reads are made raw too
// (BatchConn.WithRawReads); r is the state of its one reader's read.
type rawReadConn struct {
	*BatchConn
	r rawReader
}

func newRawReadConn(b *BatchConn) *rawReadConn {
	c := &rawReadConn{BatchConn: b}
	c.r.fill = c.r.readNow
	return c
}

// Read is net.Conn's Read through RawConn.Read, which waits for bytes
// (honouring the read deadline) whenever the socket has none.
func (c *rawReadConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.r.start(p)
	return c.r.finish(c.raw.Read(c.r.fill))
}

// rawReader reads through RawConn.Read.
type rawReader struct{ rawCall }

// readNow is RawConn.Read's callback: one read of what is there; false
// (nothing yet) makes Read wait for the socket and call again.
func (r *rawReader) readNow(fd uintptr) bool {
	for {
		n, e := ReadNow(fd, r.p)
		switch {
		case e == syscall.EINTR:
			continue
		case e == syscall.EAGAIN:
			return false
		case e != 0:
			r.err = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", e)}
		case n == 0:
			r.err = io.EOF
		default:
			r.n = n
		}
		return true
	}
}
