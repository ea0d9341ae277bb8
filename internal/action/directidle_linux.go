package action

import (
	"net"
	"syscall"
)

// idleCheck tells whether the receiver sent anything on a kept connection,
// or closed it, while it lay idle: one recv with MSG_PEEK|MSG_DONTWAIT,
// which neither waits nor takes a byte. The transport learns the same from
// the read it keeps pending on every idle connection, which would cost the
// direct sender a goroutine per connection and a hand-off per delivery.
// The recv goes through RawConn.Control, not Read: Read asks the poller
// first, which fails it once the last attempt's deadline has passed while
// the connection lay idle, before anyone looks at the socket.
type idleCheck struct {
	raw   syscall.RawConn // nil: not a socket, no check
	peek  func(fd uintptr)
	quiet bool // the last peek found nothing to read
	b     [1]byte
}

// init readies the check for c; peek is made once, so that a check
// allocates nothing.
func (ic *idleCheck) init(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	ic.raw = raw
	ic.peek = func(fd uintptr) {
		// Data (an answer nobody asked for), the stream's end (0 bytes)
		// or an error (a reset) all make the connection unfit; only
		// "nothing yet" keeps it.
		_, _, err := syscall.Recvfrom(int(fd), ic.b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		ic.quiet = err == syscall.EAGAIN
	}
}

// spoke says the connection is unfit for another request.
func (ic *idleCheck) spoke() bool {
	if ic.raw == nil {
		return false
	}
	ic.quiet = false
	err := ic.raw.Control(ic.peek)
	return err != nil || !ic.quiet
}
