package ws

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/telemetry"
)

// closeMsg is the close frame a connection ends with.
type closeMsg struct {
	code   int
	text   string
	reason string
}

// phase is where a connection is in its life (see the package doc).
type phase uint8

const (
	phaseOpen    phase = iota // frames are read and answered
	phaseClosing              // a close is decided: reading stops, what is owed goes out, then the close frame
	phaseClosed               // the close frame is out, or the network failed: nothing more is written
)

// lifecycle is a connection's close state machine: open → closing →
// closed, each step taken once, under one lock, by whoever gets there
// first. The first close decided is the one the peer sees. Deciding a
// close also expires the read deadline, so a reader blocked on the socket
// returns at once; extend moves the deadline only under the same lock, so
// a reader extending its deadline can never undo that.
type lifecycle struct {
	mu    sync.Mutex
	phase phase
	// over is set as phase leaves open: a reader busy polling
	// (busypoll.go) is not woken by the expired deadline and looks here.
	over atomic.Bool
	msg  *closeMsg // the close in force; nil while open (a pointer: every connection holds a lifecycle, few a close)
	nc   interface{ SetReadDeadline(time.Time) error }
	// origin is a clock reading with a monotonic part, taken when the
	// connection started (its lifetime counts from it too); until is the read deadline extend last set, as
	// time since origin (0: none yet, origin being past).
	origin time.Time
	until  atomic.Int64
}

// deadlineSlack: extend sets the read deadline 1/deadlineSlack of the
// timeout beyond what it must, and leaves it alone while it is at least
// the timeout away. Setting a deadline takes a runtime lock and moves a
// timer; on every frame that was a measurable part of a small frame's
// cost, and a peer's silence is now judged within [d, d+d/16] instead of
// exactly d.
const deadlineSlack = 16

// decide moves open to closing with m and returns the close in force:
// m, or the one decided before it.
func (l *lifecycle) decide(m closeMsg) closeMsg {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.phase == phaseOpen {
		l.phase, l.msg = phaseClosing, &m
		l.over.Store(true)
		_ = l.nc.SetReadDeadline(time.Now())
	}
	return *l.msg
}

// decided is the close in force, if one was decided.
func (l *lifecycle) decided() (closeMsg, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.msg == nil {
		return closeMsg{}, false
	}
	return *l.msg, true
}

// extend gives the peer another d from now to send something while the
// connection is open; once a close is decided the deadline stays expired.
// The caller reads the clock (the reader's frameClock), so that the one
// reading serves the next frame's receipt too (conn.receipt).
//
// Most calls find the deadline in force far enough away and do nothing,
// which needs no lock: doing nothing never undoes a close's expired
// deadline. They compare durations since origin (monotonic readings),
// where taking the lock and building now+d as a time.Time cost about 1%
// of a small frame's CPU.
func (l *lifecycle) extend(now time.Time, d time.Duration) {
	due := now.Sub(l.origin) + d
	if due <= time.Duration(l.until.Load()) {
		return
	}
	l.mu.Lock()
	if l.phase == phaseOpen {
		until := due + d/deadlineSlack
		l.until.Store(int64(until))
		_ = l.nc.SetReadDeadline(l.origin.Add(until))
	}
	l.mu.Unlock()
}

// open says no close is decided yet.
func (l *lifecycle) open() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.phase == phaseOpen
}

// fail moves straight to closed: the network failed and nothing more can
// be written; unless a close was decided first, the reason is an error.
func (l *lifecycle) fail() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.phase == phaseOpen {
		l.msg = &closeMsg{reason: telemetry.CloseError}
	}
	l.phase = phaseClosed
	l.over.Store(true)
	_ = l.nc.SetReadDeadline(time.Now())
}

// end moves to closed and returns the close frame to send: the one
// decided, or a normal closure when the reader simply stopped.
func (l *lifecycle) end() closeMsg {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.phase == phaseOpen {
		l.msg = &closeMsg{code: websocket.CloseNormalClosure, reason: telemetry.CloseNormal}
	}
	l.phase = phaseClosed
	return *l.msg
}

// close decides the connection must end, with the RFC 6455 code the peer
// will see, and returns the metric reason of the close in force. Any
// goroutine may call it; the writer sends the frame once the replies owed
// are out.
func (c *conn) close(code int, text, reason string) string {
	return c.life.decide(closeMsg{code: code, text: text, reason: reason}).reason
}

// closeNow sends a close frame on a connection that never started, and
// lingers as every close does: a client that sends at once after its
// upgrade would otherwise get a RST that can wipe the close unread.
func (c *conn) closeNow(code int, text string) {
	writeClose(c.ws, c.bc, code, text, time.Now().Add(c.s.o.WriteTimeout))
	c.linger()
	c.ws.Close()
}
