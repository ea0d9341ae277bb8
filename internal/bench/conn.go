package bench

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/wsio"
)

// maxReply bounds one reply; an echo of the largest frame a contract server
// accepts fits with room to spare.
const maxReply = 16 << 20

// slot is one place in a connection's window. The writer fills line, sent
// and measured, then publishes seq; the reader loads seq first, so the atomic
// orders the plain fields between the two goroutines.
type slot struct {
	seq      atomic.Uint64 // 0 while free
	sent     int64         // ns on the run clock
	line     int32
	measured bool
}

// conn drives one WebSocket: a writer keeps up to InFlight frames
// unanswered, a reader matches replies back to their slots. With one frame
// in flight a single goroutine does both in turn (lockstep.go).
//
// A frame's id is "<conn>-<seq>" with seq = generation*InFlight + slot, so
// the reader finds the slot with one division and knows a reply is stale or
// duplicated when the slot no longer holds that seq: no map, no lock.
type conn struct {
	run    *shared
	ws     *websocket.Conn
	bc     *wsio.BatchConn
	g      *grpcLink // set instead of ws in gRPC mode
	prefix []byte    // "<conn>-"

	free    chan int // free slot indices; its capacity is the window; nil in lockstep
	slots   []slot
	dead    chan struct{} // closed when the reader has stopped
	done    chan struct{} // closed when both goroutines have stopped
	closing atomic.Bool   // the writer is closing: read errors are expected

	// Owned by the writer until done; sentAll is read live by the progress line.
	out      []byte   // the next frame, reused
	next     int      // next workload line to send
	gen      []uint64 // per slot
	sentAll  atomic.Int64
	sent     int64
	lastSend int64
	wErr     error

	_ [64]byte // keeps the writer's and the reader's counters off one cache line

	// Owned by the reader until done; seen is read live by the progress line.
	in   []byte // the last message read, reused
	seen atomic.Int64
	st   connStats
	rErr error
}

// newConn sets up connection number index of the run over d, all slots free.
func newConn(run *shared, index int, d dialed) *conn {
	w := run.o.InFlight
	c := &conn{
		run:    run,
		ws:     d.ws,
		bc:     d.bc,
		prefix: strconv.AppendInt(nil, int64(index), 10),
		next:   index * 7919 % len(run.wl.lines), // spread conns over the workload
		slots:  make([]slot, w),
		gen:    make([]uint64, w),
		out:    make([]byte, 0, 4096),
		in:     make([]byte, 0, 4096),
		dead:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	c.prefix = append(c.prefix, '-')
	if w > 1 { // one frame in flight runs in lockstep (lockstep.go)
		c.free = make(chan int, w)
		for i := range w {
			c.free <- i
		}
	}
	if c.ws != nil {
		c.ws.SetReadLimit(maxReply)
	}
	return c
}

// start runs the writer and the reader; done closes when both have stopped.
func (c *conn) start() {
	if c.free == nil {
		go c.lockstep()
		return
	}
	read, write, finish := c.readLoop, c.writeLoop, c.finish
	if c.g != nil {
		read, write, finish = c.readGRPC, c.writeGRPC, c.finishGRPC
	}
	go read()
	go func() {
		write()
		finish()
		<-c.dead
		close(c.done)
	}()
}

// writeLoop sends frames while the window has room, until the run stops
// sending or the connection fails.
func (c *conn) writeLoop() {
	if err := c.sendEach(c.sendFrame); err != nil {
		c.wErr = err
	}
}

// sendFrame publishes slot s as outstanding and writes its frame.
func (c *conn) sendFrame(s int, measured bool) error {
	c.out = c.frame(c.out, s, measured)
	return c.ws.WriteMessage(websocket.TextMessage, c.out)
}

// sendEach is the writer of either door: it holds writes in bursts and
// calls send for each slot the run admits, until the run stops sending,
// the connection fails (c.wErr) or send fails (the error returned).
func (c *conn) sendEach(send func(s int, measured bool) error) error {
	burst := 0
	c.bc.Hold()
	for {
		s, measured, ok := c.nextSlot(&burst)
		if !ok {
			return nil
		}
		if err := send(s, measured); err != nil {
			return err
		}
	}
}

// nextSlot takes a free slot for the next frame and asks the run whether to
// send it (and whether it is measured); a refused slot goes back. ok is
// false when the writer should stop.
func (c *conn) nextSlot(burst *int) (slot int, measured, ok bool) {
	s, ok := c.acquire(burst)
	if !ok {
		return 0, false, false
	}
	if measured, ok = c.run.admit(); !ok {
		c.free <- s
		return 0, false, false
	}
	return s, measured, true
}

// acquire takes a free slot. While slots are free and the burst is under
// WriteBatch it keeps writes buffered; before it would block it flushes them,
// so a burst goes out in one syscall and never waits for a reply.
func (c *conn) acquire(burst *int) (int, bool) {
	if *burst < c.run.o.WriteBatch {
		select {
		case s := <-c.free:
			*burst++
			return s, true
		default:
		}
	}
	if err := c.bc.Release(); err != nil {
		c.wErr = err
		return 0, false
	}
	select {
	case s := <-c.free:
		c.bc.Hold()
		*burst = 1
		return s, true
	case <-c.run.stop:
	case <-c.dead:
	}
	return 0, false
}

// frame publishes slot s as outstanding and returns the next frame's bytes.
func (c *conn) frame(buf []byte, s int, measured bool) []byte {
	li, seq := c.publish(s, measured)
	buf = append(buf[:0], frameHead...)
	buf = append(buf, c.prefix...)
	buf = strconv.AppendUint(buf, seq, 10)
	return append(buf, c.run.wl.lines[li].tail...)
}

// publish marks slot s outstanding for the next workload line and returns
// that line and the frame's sequence number.
func (c *conn) publish(s int, measured bool) (int, uint64) {
	li := c.next
	if c.next++; c.next == len(c.run.wl.lines) {
		c.next = 0
	}
	c.gen[s]++
	seq := c.gen[s]*uint64(len(c.slots)) + uint64(s)
	sl := &c.slots[s]
	sl.line, sl.measured, sl.sent = int32(li), measured, c.run.now()
	sl.seq.Store(seq)
	if measured {
		c.sent++
		c.lastSend = sl.sent
	}
	c.sentAll.Add(1)
	return li, seq
}

// finish flushes, waits (bounded) for the window to empty, and closes.
func (c *conn) finish() {
	if err := c.bc.Release(); err != nil && c.wErr == nil {
		c.wErr = err
	}
	c.drain()
	c.closing.Store(true)
	closeDialed([]dialed{{c.ws, c.bc}}, time.Now().Add(closeGrace))
}

// drain takes back every slot, which means every reply is in, unless the
// reader died or the drain timeout passed. An interrupted run drains too:
// the replies a server still owes are not lost until the timeout says so.
func (c *conn) drain() {
	t := time.NewTimer(c.run.o.DrainTimeout)
	defer t.Stop()
	for range len(c.slots) {
		select {
		case <-c.free:
		case <-c.dead:
			return
		case <-t.C:
			return
		}
	}
}

// readLoop scores replies until the connection ends.
func (c *conn) readLoop() {
	defer close(c.dead)
	for {
		if err := c.readMessage(); err != nil {
			if !c.closing.Load() {
				c.rErr = err
			}
			return
		}
	}
}

// readMessage reads the next message and scores it.
func (c *conn) readMessage() error {
	_, r, err := c.ws.NextReader()
	if err == nil {
		c.in, err = wsio.ReadAll(r, c.in[:0])
	}
	if err != nil {
		return err
	}
	c.handle(c.in)
	return nil
}

// handle matches one reply to its slot, frees the slot and scores the reply.
func (c *conn) handle(msg []byte) {
	r, ok := parseReply(msg)
	if !ok {
		if c.run.counting() {
			c.st.malformed++
			c.st.sample("malformed reply", msg)
		}
		return
	}
	c.match(r, func() []byte { return msg })
}

// match frees the slot r answers and scores r; msg renders the reply for
// the samples of wrong ones, and is called only for those.
func (c *conn) match(r reply, msg func() []byte) {
	s, ok := c.slotOf(r.id)
	if !ok {
		if c.run.counting() {
			c.st.duplicated++
		}
		return
	}
	sl := &c.slots[s]
	li, sent, measured := sl.line, sl.sent, sl.measured
	sl.seq.Store(0)
	if c.free != nil { // in lockstep the one goroutine sees seq 0 instead
		c.free <- s // never blocks: the slot came out of free
	}
	c.seen.Add(1)
	if measured {
		now := c.run.now()
		c.st.score(r, &c.run.wl.lines[li], now-sent, msg)
		c.st.lastReply = now
	}
}

// slotOf finds the outstanding slot a reply id names, if any.
func (c *conn) slotOf(id []byte) (int, bool) {
	if len(id) <= len(c.prefix) || string(id[:len(c.prefix)]) != string(c.prefix) {
		return 0, false
	}
	digits := id[len(c.prefix):]
	if len(digits) > 19 {
		return 0, false
	}
	var seq uint64
	for _, d := range digits {
		if d < '0' || d > '9' {
			return 0, false
		}
		seq = seq*10 + uint64(d-'0')
	}
	if seq == 0 {
		return 0, false
	}
	s := int(seq % uint64(len(c.slots)))
	return s, c.slots[s].seq.Load() == seq
}

// lost counts measured frames never answered; call after done.
func (c *conn) lost() int64 {
	var n int64
	for i := range c.slots {
		if c.slots[i].seq.Load() != 0 && c.slots[i].measured {
			n++
		}
	}
	return n
}
