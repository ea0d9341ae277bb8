package bench

import (
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// A WebSocket connection with one frame in flight runs in lockstep on one
// goroutine: write a frame, read until its reply is in, score it, write
// the next. With a writer and a reader, every reply would be handed from
// one goroutine to the other through the free channel, and at one frame
// in flight that hand-off woke a second thread for every frame: the
// generator spent more CPU per frame than the servers it measured, and
// added that wake-up's delay and noise to every latency it reported.
//
// Everything else is the two goroutines' own code: admit, frame and
// publish on the way out; readMessage, handle and match on the way in.
// Only the waits differ: the slot is known free when its seq is 0 again,
// and the drain's bound is the socket's read deadline, which the schedule
// sets when sending stops (bound), since the one goroutine is then inside
// a read that nothing else would end.

// lockstepOf says whether a connection over d with a window of w runs in
// lockstep. The gRPC door keeps its two goroutines: its reader also
// answers pings and settings and opens the writer's flow-control window.
func lockstepOf(d dialed, w int) bool {
	return d.ws != nil && w == 1
}

// lockstep sends and scores frames until the run stops sending or the
// connection fails, then drains and closes as finish does; done closes
// once it has.
func (c *conn) lockstep() {
	defer close(c.done)
	out := make([]byte, 0, 4096)
	in := make([]byte, 0, 4096)
	var err error
	for {
		measured, ok := c.run.admit()
		if !ok {
			break
		}
		out = c.frame(out, 0, measured)
		if err = c.ws.WriteMessage(websocket.TextMessage, out); err != nil {
			c.wErr = err
			break
		}
		if in, err = c.await(in); err != nil {
			break
		}
	}
	if c.wErr != nil { // finish's drain: the reply may still come
		_ = c.bc.SetReadDeadline(time.Now().Add(c.run.o.DrainTimeout))
		_, err = c.await(in)
	}
	if err != nil && !isTimeout(err) { // a timeout is the drain's end: the frame is lost
		c.rErr = err
	}
	c.closing.Store(true)
	closeDialed([]dialed{{c.ws, c.bc}}, time.Now().Add(closeGrace))
}

// await reads and scores replies until the outstanding frame's is in.
// Stray replies on the way (duplicates, garbage) are scored as the
// reader scores them.
func (c *conn) await(buf []byte) ([]byte, error) {
	for c.slots[0].seq.Load() != 0 {
		var err error
		if buf, err = c.readMessage(buf); err != nil {
			return buf, err
		}
		c.handle(buf)
	}
	return buf, nil
}

// bound ends a lockstep connection's wait for its last reply at t, the
// end of the drain; two goroutines end theirs in drain.
func (c *conn) bound(t time.Time) {
	if c.free == nil {
		_ = c.bc.SetReadDeadline(t)
	}
}

// isTimeout says whether err is a read deadline passing; gorilla hides the
// net package's error behind one of its own that only says Timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
