package ws

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"
)

// Reasons a connection ended, as metric labels: a small fixed set.
const (
	reasonNormal    = "normal"     // the client closed
	reasonGoingAway = "going_away" // server shutdown
	reasonIdle      = "idle"
	reasonLifetime  = "lifetime"
	reasonSlow      = "slow" // its send queue stayed full
	reasonRate      = "rate"
	reasonPolicy    = "policy" // binary frame
	reasonTooBig    = "too_big"
	reasonBadUTF8   = "bad_utf8"
	reasonTimeout   = "timeout" // no pong
	reasonError     = "error"   // the network failed
)

// closeMsg is the close frame a connection ends with.
type closeMsg struct {
	code   int
	text   string
	reason string
}

// close records why the connection must end, with the RFC 6455 code the
// peer will see, and returns the metric reason. Only the first call
// counts; the writer sends the frame once the replies owed are out.
func (c *conn) close(code int, text, reason string) string {
	first := false
	c.closeOnce.Do(func() {
		c.closing <- closeMsg{code: code, text: text, reason: reason}
		first = true
	})
	if !first {
		return c.requested()
	}
	return reason
}

// requested is the reason of the close already recorded.
func (c *conn) requested() string {
	select {
	case m := <-c.closing:
		c.closing <- m
		return m.reason
	default:
		return reasonError
	}
}

// stop is close for goroutines other than the reader (the writer's timers,
// shutdown): it records the close and ends the reader's blocked read.
func (c *conn) stop(code int, text, reason string) {
	c.close(code, text, reason)
	c.stopping.Store(true)
	_ = c.ws.SetReadDeadline(time.Now())
}

// closeNow sends a close frame on a connection that never started.
func (c *conn) closeNow(code int, text string) {
	deadline := time.Now().Add(time.Second)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), deadline)
	c.ws.Close()
}

// lingerTimeout bounds how long a closed connection waits for its peer to
// hang up (see linger).
const lingerTimeout = time.Second

// linger ends the TCP connection without destroying what was just sent.
// Closing a socket whose receive buffer holds unread bytes (a client still
// sending when the server closes) makes the kernel answer with a RST, and a
// RST makes the peer's kernel drop the replies and the close frame it has
// not read yet: acknowledged events would look lost to the client. So,
// once the close frame is out, send our FIN and read and discard until the
// peer hangs up or lingerTimeout passes. Only the writer calls it, after
// the reader has returned, so nobody else reads the socket.
func (c *conn) linger() {
	nc := c.ws.NetConn()
	if b, ok := nc.(*batchConn); ok {
		nc = b.Conn // the TCP connection, which can half-close
	}
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	end := time.Now().Add(lingerTimeout)
	buf := make([]byte, 512)
	for time.Now().Before(end) {
		// stop may expire the deadline concurrently (a shutdown racing an
		// idle close); setting it on every pass keeps the wait bounded by
		// end alone.
		_ = nc.SetReadDeadline(end)
		if _, err := nc.Read(buf); err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
	}
}
