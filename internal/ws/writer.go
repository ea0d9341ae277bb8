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
	for {
		select {
		case reply, ok := <-c.send:
			if !ok {
				c.sendClose()
				return
			}
			if err := c.write(reply); err != nil {
				c.ws.Close() // ends the reader's read too
				c.drain()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.o.WriteTimeout)); err != nil {
				c.ws.Close()
				c.drain()
				return
			}
		case <-limits.C:
			c.checkLimits(limits)
		}
	}
}

func (c *conn) write(reply []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.o.WriteTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, reply)
}

// drain empties the queue after a write failure so the reader never blocks
// on a queue nobody reads.
func (c *conn) drain() {
	for range c.send {
	}
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
	if c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(m.code, m.text), deadline) == nil {
		c.linger()
	}
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
