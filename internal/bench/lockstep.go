package bench

import (
	"errors"
	"net"
	"time"
)

// A connection with one frame in flight runs in lockstep on one goroutine:
// write a frame, read until its reply is in, score it, write the next.
// With a writer and a reader, every reply would be handed from one
// goroutine to the other through the free channel, and at one frame in
// flight that hand-off woke a second thread for every frame: the
// generator spent more CPU per frame than the servers it measured, and
// added that wake-up's delay and noise to every latency it reported.
//
// Everything else is the two goroutines' own code: admit and the door's
// send (sendFrame, sendSlotEvent) on the way out, the door's read
// (readMessage, readFrame: handle, match) on the way in. Only the waits
// differ. The slot is known free when its seq is 0 again (free is nil in
// lockstep, so match leaves the channel alone). The drain's bound is the
// socket's read deadline, which the schedule sets when sending stops
// (bound), since the one goroutine is then inside a read that nothing else
// would end. A gRPC send that waits for the flow-control window reads
// frames meanwhile (reserve): the window opens by what it reads.

// lockstep sends and scores frames until the run stops sending or the
// connection fails, then ends the connection as finish or finishGRPC
// does; done closes once it has.
func (c *conn) lockstep() {
	defer close(c.done)
	if c.g == nil {
		err := c.inStep(c.sendFrame, c.readMessage)
		if err != nil && !isTimeout(err) { // a timeout is the drain's end: the frame is lost
			c.rErr = err
		}
		c.closing.Store(true)
		closeDialed([]dialed{{c.ws, c.bc}}, time.Now().Add(closeGrace))
		return
	}
	err := c.inStep(c.sendSlotEvent, c.readFrame)
	if err != nil {
		c.streamEnded(err)
	}
	c.closing.Store(true)
	c.endStream()
	if err == nil { // the server's trailers, within closeGrace
		_ = c.bc.SetReadDeadline(time.Now().Add(closeGrace))
		for err == nil {
			err = c.readFrame()
		}
		c.streamEnded(err)
	}
	c.g.nc.Close()
}

// inStep runs the connection's one slot with the door's send and read:
// nil once the run stops sending, or the read error that ended it. After
// a failed send it still waits (bounded) for the reply, as drain does.
func (c *conn) inStep(send func(slot int, measured bool) error, read func() error) error {
	for {
		measured, ok := c.run.admit()
		if !ok {
			return nil
		}
		if err := send(0, measured); err != nil {
			c.wErr = err
			break
		}
		if err := c.await(read); err != nil {
			return err
		}
	}
	_ = c.bc.SetReadDeadline(time.Now().Add(c.run.o.DrainTimeout))
	return c.await(read)
}

// await reads and scores replies until the outstanding frame's is in.
// Stray replies on the way (duplicates, garbage) are scored as the
// reader scores them.
func (c *conn) await(read func() error) error {
	for c.slots[0].seq.Load() != 0 {
		if err := read(); err != nil {
			return err
		}
	}
	return nil
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
