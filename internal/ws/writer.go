package ws

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/telemetry"
)

// writerLinger is how long a writer with nothing to write waits for more
// before it returns. A busy connection keeps its writer; an idle one holds
// no writer goroutine, and so no second stack, which is most of what ten
// thousand idle connections would otherwise cost.
const writerLinger = 200 * time.Millisecond

// takeWriter takes the writer's role: only its holder writes to the
// socket (gorilla's own pongs and protocol closes aside, see gorilla.go).
// The holder releases it when it has nothing left to write, except the
// one that sends the close frame or sees the network fail: it keeps the
// role for ever, so no writer starts again.
func (c *conn) takeWriter() bool { return c.writing.CompareAndSwap(false, true) }

// wake makes sure a writer will see what was just queued: it starts one
// unless one is running (and will look again before it returns) or the
// writing is over.
func (c *conn) wake() {
	if c.takeWriter() {
		go c.writePump()
	}
}

// ping runs on the ping timer's goroutine (time.AfterFunc gives each
// firing its own): it marks the ping due and, unless a writer is running
// (which sees it), writes it there, holding the writer's role only for
// that write. A writer goroutine started for a ping lingered for replies
// an idle connection does not send: with 10,000 connections pinged every
// second, about 1 KB of stacks per connection.
func (c *conn) ping() {
	c.pingDue.Store(true)
	c.flush()
}

// writePump writes queued replies and due pings, and ends with the close
// frame once the queue is closed. It runs only while there is work (see
// writerLinger) and while no one else holds the writer's role.
func (c *conn) writePump() {
	linger := time.NewTimer(writerLinger)
	defer linger.Stop()
	for c.writeOnce() && c.awaitWork(linger) {
	}
}

// flush writes what is queued, and a due ping, on the caller's goroutine:
// the reader's, when the client has nothing more buffered for it to read
// (the client is waiting for these replies, and handing them to a writer
// goroutine would cost a wake-up each time), or the ping timer's. When a
// writer is running it gets them instead.
func (c *conn) flush() {
	if !c.takeWriter() {
		c.send.notify(&c.send.ready)
		return
	}
	if !c.writeOnce() {
		return
	}
	c.writing.Store(false)
	if c.hasWork() { // a ping fell due, say
		c.wake()
	}
}

// writeOnce writes everything queued and a due ping; whoever holds the
// writer's role calls it. False means the writing is over: the close
// frame is sent, or the network failed and the connection is closed.
func (c *conn) writeOnce() bool {
	items, closed := c.send.take(c.taken)
	err := c.writeAll(items)
	c.send.written(items)
	c.taken = recycle(items)
	if err == nil && c.pingDue.Swap(false) && c.life.open() {
		err = c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.o.WriteTimeout))
		c.pinger.Reset(c.s.o.PingInterval)
	}
	switch {
	case isTimeout(err):
		// The client stopped reading. What was not sent stays in the
		// BatchConn, whole; the close frame follows it once the reader
		// has stopped, so a slow client learns why instead of getting a
		// reset. Replies still queued cannot precede that close.
		c.close(websocket.ClosePolicyViolation, "too slow: a write timed out", telemetry.CloseSlow)
		c.send.drop()
		return true
	case closingByGorilla(err):
		// Not a network failure: gorilla wrote a close of its own (see
		// gorilla.go) and the reader is about to close with that reason.
		// Closing the socket now would skip sendClose's flush and linger,
		// and the peer, still sending, would get a RST in place of the
		// close it is owed.
		c.send.drop()
		return true
	case err != nil:
		c.life.fail()
		c.ws.Close() // ends the reader's read too
		c.send.drop()
		c.cancel()
	case closed:
		c.sendClose()
	default:
		return true
	}
	c.writerDone.fire()
	return false
}

// isTimeout says err is a deadline passing. A nil err is answered before
// errors.As, whose target escapes: that was an allocation on every write.
func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// awaitWork waits up to writerLinger for something to write; false means
// the writer has gone idle and must return.
func (c *conn) awaitWork(linger *time.Timer) bool {
	if c.hasWork() {
		return true
	}
	ready := c.send.waitOn(&c.send.ready)
	if c.hasWork() {
		return true
	}
	linger.Reset(writerLinger)
	select {
	case <-ready:
		return true
	case <-linger.C:
	}
	c.send.doneWaiting(&c.send.ready)
	c.writing.Store(false)
	// What was queued or fell due just before the store found the writer
	// running and started none: look again, and take the writer back.
	return c.hasWork() && c.takeWriter()
}

func (c *conn) hasWork() bool { return c.pingDue.Load() || c.send.pending() }

// writeAll writes the replies taken from the queue with one syscall
// (BatchConn sends early past 64 KB), where gorilla would make one per
// reply. Each reply is a final text frame, framed here rather than by
// gorilla's WriteMessage, which takes a pooled buffer, a message writer
// and its locks for each. Between frames gorilla may write its own control
// frames (a pong, a close) from the reader's goroutine; after its close,
// WritePair refuses (see tap.Write).
func (c *conn) writeAll(replies [][]byte) error {
	if len(replies) == 0 {
		return nil
	}
	deadline := time.Now().Add(c.s.o.WriteTimeout)
	_ = c.bc.SetWriteDeadline(deadline)
	c.bc.Hold()
	var err error
	var h [maxServerHeader]byte
	for _, r := range replies {
		if err = c.bc.WritePair(appendTextHeader(h[:0], len(r)), r); err != nil {
			break
		}
	}
	// A pong written meanwhile (conn.pong) set a later one.
	_ = c.bc.SetWriteDeadline(deadline)
	if ferr := c.bc.Release(); err == nil {
		err = ferr
	}
	return err
}

// maxServerHeader is the longest header of a server's frame: two bytes
// and an 8-byte length; servers do not mask.
const maxServerHeader = 2 + 8

// appendTextHeader appends the header of a server's final text frame of
// n bytes (RFC 6455 §5.2), as gorilla writes it.
func appendTextHeader(b []byte, n int) []byte {
	switch {
	case n <= 125:
		return append(b, finText, byte(n))
	case n <= 0xffff:
		return append(b, finText, 126, byte(n>>8), byte(n))
	}
	return binary.BigEndian.AppendUint64(append(b, finText, 127), uint64(n))
}

// sendClose sends the recorded close frame, or a normal closure, and waits
// briefly for the peer's close so the TCP connection ends cleanly.
func (c *conn) sendClose() {
	m := c.life.end()
	deadline := time.Now().Add(c.s.o.WriteTimeout)
	// Linger even when this write fails: the client may still be sending
	// the rest of an oversized frame.
	writeClose(c.ws, c.bc, m.code, m.text, deadline)
	c.linger()
}
