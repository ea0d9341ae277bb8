package action

import (
	"errors"
	"net"
	"os"
	"syscall"
	"time"
)

// idleCheck tells whether the receiver sent anything on a kept connection,
// or closed it, while it lay idle: one recv with MSG_PEEK|MSG_DONTWAIT,
// which neither waits nor takes a byte. The transport learns the same from
// the read it keeps pending on every idle connection, which would cost the
// direct sender a goroutine per connection and a hand-off per delivery.
// (A read deadline in the past cannot do it: the poller then fails the
// read before it looks at the socket.)
type idleCheck struct {
	c     net.Conn
	raw   syscall.RawConn // nil: not a socket, no check
	peek  func(fd uintptr) bool
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
	ic.c, ic.raw = c, raw
	ic.peek = func(fd uintptr) bool {
		// Data (an answer nobody asked for), the stream's end (0 bytes)
		// or an error (a reset) all make the connection unfit; only
		// "nothing yet" keeps it.
		_, _, err := syscall.Recvfrom(int(fd), ic.b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		ic.quiet = err == syscall.EAGAIN
		return true
	}
}

// spoke says the connection is unfit for another request.
func (ic *idleCheck) spoke() bool {
	if ic.raw == nil {
		return false
	}
	ic.quiet = false
	err := ic.raw.Read(ic.peek)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// The last attempt's deadline passed while the connection lay
		// idle, and the poller fails a read past its deadline before it
		// looks at the socket. The next attempt sets its own.
		if ic.c.SetReadDeadline(time.Time{}) != nil {
			return true
		}
		ic.quiet = false
		err = ic.raw.Read(ic.peek)
	}
	return err != nil || !ic.quiet
}
