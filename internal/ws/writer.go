package ws

import (
	"time"

	"github.com/gorilla/websocket"
)

// writePump writes queued replies, pings on schedule, enforces the idle
// and lifetime limits, and ends with the close frame when one was asked
// for. It is the only goroutine that writes data frames.
func (c *conn) writePump() {
	ping := time.NewTicker(c.s.o.PingInterval)
	defer ping.Stop()
	limits := c.limitTimer()
	defer limits.Stop()
	var batch [][]byte
	for {
		select {
		case <-c.send.ready:
			var closed bool
			batch, closed = c.send.take(batch)
			err := c.writeAll(batch)
			batch = recycle(batch)
			if err != nil {
				c.ws.Close() // ends the reader's read too
				c.send.drop()
				return
			}
			if closed {
				c.sendClose()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.o.WriteTimeout)); err != nil {
				c.ws.Close()
				c.send.drop()
				return
			}
		case <-limits.C:
			c.checkLimits(limits)
		}
	}
}

// writeAll writes the replies taken from the queue in one syscall where
// the connection is a batchConn (batchConn sends early past 64 KB): gorilla
// would make one per reply, which under load was most of the server's
// system time.
func (c *conn) writeAll(replies [][]byte) error {
	if len(replies) == 0 {
		return nil
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.o.WriteTimeout))
	if c.batch != nil {
		c.batch.begin()
	}
	var err error
	for _, r := range replies {
		if err = c.ws.WriteMessage(websocket.TextMessage, r); err != nil {
			break
		}
	}
	if c.batch != nil {
		if ferr := c.batch.end(); err == nil {
			err = ferr
		}
	}
	return err
}

// sendClose sends the recorded close frame, or a normal closure, and waits
// briefly for the peer's close so the TCP connection ends cleanly.
func (c *conn) sendClose() {
	m := closeMsg{code: websocket.CloseNormalClosure}
	select {
	case m = <-c.closing:
	default:
	}
	deadline := time.Now().Add(c.s.o.WriteTimeout)
	// Linger even when this write fails: gorilla may have sent the close
	// itself (1009) and then refuses a second, while the client is still
	// sending the rest of its oversized frame.
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(m.code, m.text), deadline)
	c.linger()
}

// limitTimer fires at the next idle or lifetime check; a stopped timer
// stands in when neither limit is on.
func (c *conn) limitTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	if d := c.nextCheck(time.Now()); d > 0 {
		t.Reset(d)
	}
	return t
}

func (c *conn) nextCheck(now time.Time) time.Duration {
	var next time.Duration
	if idle := c.s.o.IdleTimeout; idle > 0 {
		next = time.Unix(0, c.lastFrame.Load()).Add(idle).Sub(now)
	}
	if life := c.s.o.MaxLifetime; life > 0 {
		if d := c.started.Add(life).Sub(now); next == 0 || d < next {
			next = d
		}
	}
	if next < 0 || (next == 0 && (c.s.o.IdleTimeout > 0 || c.s.o.MaxLifetime > 0)) {
		next = time.Millisecond
	}
	return next
}

func (c *conn) checkLimits(t *time.Timer) {
	now := time.Now()
	if life := c.s.o.MaxLifetime; life > 0 && now.Sub(c.started) >= life {
		c.stop(websocket.CloseNormalClosure, "maximum connection lifetime reached; reconnect", reasonLifetime)
		return
	}
	if idle := c.s.o.IdleTimeout; idle > 0 && now.Sub(time.Unix(0, c.lastFrame.Load())) >= idle {
		c.stop(websocket.CloseNormalClosure, "idle timeout", reasonIdle)
		return
	}
	t.Reset(c.nextCheck(now))
}
