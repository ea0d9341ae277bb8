package ws

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/wsio"
)

// conn is one WebSocket connection; the package doc draws its states and
// who may write when. The reader runs on the connection's goroutine; a
// writer goroutine runs only while there is work (writer.go); timers, not
// goroutines, wait for pings and limits (timers.go).
type conn struct {
	s      *Server
	ws     *websocket.Conn
	under  beneath         // the bytes beneath gorilla (gorilla.go)
	bc     *wsio.BatchConn // ws's net.Conn: writes batch between Hold and Release
	handle handleFunc
	refuse refuseFunc
	// ctx is every frame's context: it ends when the connection ends or
	// the server's drain deadline passes.
	ctx        context.Context
	cancel     context.CancelFunc
	send       *replyQueue
	life       lifecycle   // open → closing → closed (close.go)
	writing    atomic.Bool // the writer's role is taken (writer.go)
	writerDone latch       // fired when the writing is over
	taken      [][]byte    // replies being written, reused by whoever writes
	pingDue    atomic.Bool
	pinger     *time.Timer
	limits     *time.Timer       // nil when no idle or lifetime limit is on
	lastFrame  atomic.Int64      // unix nanos of the last data frame, for idle
	clock      frameClock        // the reader's (clock.go)
	limit      *ratelimit.Bucket // nil: no limit
}

func newConn(s *Server, w *websocket.Conn, t *tap, h handleFunc, r refuseFunc) *conn {
	now := time.Now()
	c := &conn{s: s, ws: w, under: t, bc: t.BatchConn, handle: h, refuse: r,
		send: newReplyQueue(&s.inflight), clock: newFrameClock(now)}
	c.ctx, c.cancel = context.WithCancel(s.base)
	c.life.nc, c.life.origin = t.BatchConn, now
	t.ps.over = &c.life.over
	c.lastFrame.Store(now.UnixNano())
	c.limit = ratelimit.New(s.o.RateLimit)
	return c
}

// run serves the connection until it closes; the reader runs on the
// caller's goroutine, the writer on its own when there is work.
func (c *conn) run() {
	c.startTimers()
	c.finish(c.readLoop(c.serve))
}

// finish ends a connection once its reader is done: no more replies will
// be queued, so closing send lets the writer flush what is owed and then
// send the close frame.
func (c *conn) finish(reason string) {
	c.send.close()
	c.wake()
	c.writerDone.wait()
	c.cancel()
	c.stopTimers()
	c.ws.Close()
	c.s.untrack(c)
	c.s.o.Metrics.ConnClosed(reason)
}

// readLoop reads frames and hands each to serve until the connection
// fails or must close; it returns the reason for metrics.
func (c *conn) readLoop(serve func(frame []byte, received time.Time) string) string {
	c.prepareRead()
	for {
		if reason := c.readOne(c.awaitFrame(), serve); reason != "" {
			return reason
		}
		// The peer's silence is counted from here: the time the server
		// took to answer (a 10 MB frame under load) is not the peer's.
		c.extendDeadline()
	}
}

// readOne reads the frame awaitFrame found (waited: after a wait for the
// socket) and hands it to serve. Its locals stay off the stack while the
// reader waits, and while it hands its deadline to the runtime's poller,
// the deepest moment of a connection that sends nothing: that must stay
// inside a goroutine's first 2 KB, or every idle connection's stack
// doubles to 4 KB (BenchmarkIdleConn). Hence noinline.
//
//go:noinline
func (c *conn) readOne(waited bool, serve func(frame []byte, received time.Time) string) string {
	if c.under.shortClose() {
		return c.close(websocket.CloseProtocolError, "a close frame's payload cannot be 1 byte", telemetry.CloseProtocol)
	}
	mt, frame, whole, err := c.readFrame()
	if err != nil {
		return c.readFailed(err)
	}
	received := c.receipt(waited || !whole)
	c.lastFrame.Store(received.UnixNano())
	if reason := c.checkFrame(mt, frame); reason != "" {
		return reason
	}
	return serve(frame, received)
}

// receipt is when the frame just read was received. The clock was last
// read after the previous frame was answered (extendDeadline); a frame
// that lay whole in the read buffer then, the reader having neither
// waited for the socket since nor let gorilla read it, was there at that
// reading, which stands for its receipt: under load most frames are, and
// they cost no clock reading of their own. Any other frame (fresh) came
// later: the clock is read now that it is in hand.
func (c *conn) receipt(fresh bool) time.Time {
	if fresh {
		return c.clock.read()
	}
	return c.clock.last
}

// awaitFrame returns once a frame may be read: bytes are buffered, or the
// socket has some (or failed: gorilla's read then says how). Pongs that
// arrive meanwhile are taken here, as the pong handler would. It says
// whether it waited for the socket.
func (c *conn) awaitFrame() (waited bool) {
	for !c.under.ahead() {
		waited = true
		c.under.wait()
		if !c.under.skipPong() {
			return waited
		}
		c.extendDeadline()
	}
	return waited
}

// serve answers one frame: the rate limit, the pipeline, the reply. The
// frame counts in the server's bytes in flight while it is processed, and
// its reply in its place once queued.
func (c *conn) serve(frame []byte, received time.Time) string {
	c.s.inflight.Add(int64(len(frame)))
	reply, reason := c.answer(frame, received)
	if reason != "" {
		c.s.inflight.Add(-int64(len(frame)))
		return reason
	}
	if !c.enqueue(reply, len(frame)) {
		return c.close(websocket.ClosePolicyViolation, "too slow: send queue full", telemetry.CloseSlow)
	}
	return ""
}

// prepareRead sets the read limit, the deadline and the handlers of the
// peer's control frames. gorilla's own close handler answers a close at
// once, on the reader's goroutine, and then refuses every data write: the
// replies still queued for frames that came before the close (events
// already accepted) would be lost. Here the close is only recorded, and
// the writer sends it after them, echoing the peer's code.
func (c *conn) prepareRead() {
	c.ws.SetReadLimit(c.s.o.ReadLimit)
	c.extendDeadline()
	c.ws.SetPongHandler(func(string) error {
		c.extendDeadline()
		return nil
	})
	c.ws.SetPingHandler(c.pong)
	c.ws.SetCloseHandler(func(code int, _ string) error {
		c.close(code, "", telemetry.CloseNormal)
		return nil
	})
}

// pong answers a client's ping, on the reader's goroutine. gorilla's own
// handler writes it under a 1 s deadline of its own: on the connection
// beneath, that replaced the writer's deadline for the rest of a batch
// being flushed, and a pong that timed out under load made gorilla refuse
// every later write, the close frame included. This one writes under the
// writer's WriteTimeout, which never ends a batch's flush early, and
// leaves a failure to the writer and the reader, who see it next.
func (c *conn) pong(data string) error {
	_ = c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(c.s.o.WriteTimeout))
	return nil
}

// checkFrame enforces what the protocol layer leaves to us: text only, and
// valid UTF-8, which gorilla does not verify.
func (c *conn) checkFrame(mt int, frame []byte) string {
	if mt != websocket.TextMessage {
		return c.close(websocket.CloseUnsupportedData, "binary frames are not supported", telemetry.ClosePolicy)
	}
	if !utf8.Valid(frame) {
		return c.close(websocket.CloseInvalidFramePayloadData, "text frame is not valid UTF-8", telemetry.CloseBadUTF8)
	}
	return ""
}

// answer runs the frame through the rate limit and the pipeline.
func (c *conn) answer(frame []byte, received time.Time) ([]byte, string) {
	if ok, over := c.limit.Allow(); over {
		return nil, c.close(websocket.ClosePolicyViolation, "rate limit exceeded", telemetry.CloseRate)
	} else if !ok {
		return c.refuse(frame, nil, ratelimit.Refused()), ""
	}
	return c.handle(c.ctx, frame, received, nil), ""
}

// enqueue queues a reply and sees it written. When the client has sent
// nothing more yet, it is waiting for this reply and the reader writes it
// at once (flush); while more input is buffered, a writer goroutine writes
// the replies of the burst in batches, alongside the reader. Past the
// queue's bounds the reader stops reading (the client's frames wait in
// its socket) until the writer makes room; a client that lets that last
// WriteTimeout is cut off, so the server's memory stays bounded.
//
// The reply takes the place of its frame's counted bytes in the server's
// total (see replyQueue.handOver).
func (c *conn) enqueue(reply []byte, frameBytes int) bool {
	own, _ := c.send.handOver(reply, frameBytes)
	if c.under.ahead() {
		c.wake()
	} else {
		c.flush()
	}
	return c.send.awaitRoom(own, c.s.o.SendQueueBytes, c.s.o.MaxInflightBytes, c.s.o.WriteTimeout)
}

// readFailed names why the read failed, deciding the close it calls for.
func (c *conn) readFailed(err error) string {
	if errors.Is(err, websocket.ErrReadLimit) {
		return c.close(websocket.CloseMessageTooBig, "frame exceeds the read limit", telemetry.CloseTooBig)
	}
	if m, ok := c.life.decided(); ok {
		return m.reason
	}
	// A peer's close frame was decided above; a CloseError here is 1006,
	// the TCP connection ending without one: an error, not a close.
	if isTimeout(err) {
		return c.close(websocket.CloseGoingAway, "no pong within the timeout", telemetry.CloseTimeout)
	}
	return telemetry.CloseError
}

// extendDeadline gives the peer another PongTimeout from now while the
// connection is open. It runs on the reader's goroutine (the pong handler
// too: gorilla calls it inside the reader's read), which owns the clock.
//
// It reads the clock every time. Comparing against a remembered "until
// minus slack" without a reading would skip it on most frames, but a
// frame whose answer took long (a slow consumer's awaitRoom, a 10 MB
// frame) would then leave the peer less than PongTimeout of silence after
// the answer: no bound on "now" comes without reading the clock.
func (c *conn) extendDeadline() { c.life.extend(c.clock.read(), c.s.o.PongTimeout) }

// goAway asks the reader to stop at the next frame boundary.
func (c *conn) goAway() {
	c.close(websocket.CloseGoingAway, "server is shutting down", telemetry.CloseGoingAway)
}
