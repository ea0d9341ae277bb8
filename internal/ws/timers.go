package ws

import (
	"math"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/telemetry"
)

// startTimers arms the ping and, when a limit is on, the idle and
// lifetime check. Timers cost no goroutine while they wait.
func (c *conn) startTimers() {
	arm(&c.pinger, c.s.o.PingInterval, c.ping)
	if d := c.nextCheck(time.Now()); d > 0 {
		arm(&c.limits, d, c.checkLimits)
	}
}

func (c *conn) stopTimers() {
	c.pinger.Stop()
	if c.limits != nil {
		c.limits.Stop()
	}
}

// arm stores time.AfterFunc(d, f) in *t before the timer can fire, so
// that f may use *t (Reset orders the store before f runs).
func arm(t **time.Timer, d time.Duration, f func()) {
	*t = time.AfterFunc(math.MaxInt64, f)
	(*t).Reset(d)
}

func (c *conn) nextCheck(now time.Time) time.Duration {
	var next time.Duration
	if idle := c.s.o.IdleTimeout; idle > 0 {
		next = time.Unix(0, c.lastFrame.Load()).Add(idle).Sub(now)
	}
	if life := c.s.o.MaxLifetime; life > 0 {
		if d := c.life.origin.Add(life).Sub(now); next == 0 || d < next {
			next = d
		}
	}
	if next < 0 || (next == 0 && (c.s.o.IdleTimeout > 0 || c.s.o.MaxLifetime > 0)) {
		next = time.Millisecond
	}
	return next
}

// checkLimits runs on the limits timer: it closes a connection past its
// lifetime or idle limit, or sets the timer for the next check.
func (c *conn) checkLimits() {
	now := time.Now()
	if life := c.s.o.MaxLifetime; life > 0 && now.Sub(c.life.origin) >= life {
		c.close(websocket.CloseNormalClosure, "maximum connection lifetime reached; reconnect", telemetry.CloseLifetime)
		return
	}
	if idle := c.s.o.IdleTimeout; idle > 0 && now.Sub(time.Unix(0, c.lastFrame.Load())) >= idle {
		c.close(websocket.CloseNormalClosure, "idle timeout", telemetry.CloseIdle)
		return
	}
	c.limits.Reset(c.nextCheck(now))
}
