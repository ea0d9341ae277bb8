package ws

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/wsio"
)

// This file, with its platform half readwait_linux.go (where a waiting
// connection reads into, or parks, the buffer gorilla adopted), is the one
// place that leans on how gorilla/websocket (v1.5) works inside, beyond
// its documented API. gorilla_test.go pins each point, so that an upgrade that changes one fails a named test rather
// than corrupting connections:
//
//   - Upgrade adopts the bufio.Reader the hijack hands it as the
//     connection's read buffer when Upgrader.ReadBufferSize is 0 and that
//     reader is larger than 256 bytes, and keeps its pointer: only the
//     reader's contents can be lent out while a connection waits
//     (TestGorillaAdoptsTheHijackedReader, TestGorillaReadsThroughASwappedReader).
//     It resets that reader to read from the conn the hijack returned
//     (the tap) and reads nothing through it during the upgrade.
//   - Once a message is read to its end, gorilla has taken exactly its
//     frames from that buffer: the next frame's first byte is at its head,
//     where pongs may be taken and a malformed close seen before gorilla
//     reads on (TestGorillaStopsAtTheFrameBoundary).
//   - gorilla writes every frame to the net.Conn the hijack returned, and
//     remembers a failed write, refusing every later one, close frames
//     included: wsio.BatchConn therefore never fails a write inside a
//     hold (TestGorillaWritesThroughTheHijackedConn).
//   - gorilla writes each control frame with one Write, so the tap sees
//     its close whole and ends the writing there: the writer frames
//     replies itself and writes them beside gorilla's
//     (TestGorillaWritesAControlFrameWhole).
//   - Between messages gorilla keeps no state a whole final text frame
//     would change: one taken from the head of the buffer (takeText)
//     leaves gorilla reading the next message as if it had read that one
//     itself (TestGorillaReadsOnAfterATakenFrame).
//   - A close frame with a 1-byte payload reaches the close handler as
//     1005 with no text, as an empty one does (TestGorillaHidesAOneByteClose).
//   - A frame over the read limit makes gorilla send close 1009 itself
//     and return ErrReadLimit (TestGorillaClosesOverTheReadLimit).
//   - A TCP end without a close frame reads as CloseError 1006
//     (TestGorillaReportsADropAs1006).
//   - Upgrader.Error replaces the refusal that carries
//     Sec-WebSocket-Version (TestGorillaErrorHookDropsTheVersion).
//   - After a write of its own fails (its 1 s deadline on the 1009 close or
//     a pong passing under load), gorilla refuses every later write, close
//     frames included, while the frame it failed to send stays whole in
//     the BatchConn: writeClose sends the close past it
//     (TestWriteCloseGetsPastAFailedGorillaWrite).
//   - A socket closed with unread bytes in it sends a RST that can destroy
//     what the peer has not read yet: linger half-closes and drains first
//     (TestCloseReachesAClientStillSending).
//   - gorilla's own close can land inside the writer's batch (the reader
//     writes it): the writer's next write then fails with ErrWritesEnded,
//     or its ping with ErrCloseSent, and must end through sendClose and
//     linger like any close (closingByGorilla,
//     TestGorillasCloseInABurstReachesThePeer).

// beneath is what a connection does beneath gorilla's API. Its one
// implementation, tap, reaches into the read buffer gorilla adopted.
type beneath interface {
	// ahead says bytes of the next frame are buffered already.
	ahead() bool
	// wait returns once the socket has bytes to read (or failed, or the
	// read deadline passed), holding no read buffer meanwhile where the
	// platform allows (readwait_*.go).
	wait()
	// skipPong takes one whole client pong at the head of the buffer.
	skipPong() bool
	// takeText takes a whole text message at the head of the buffer, in
	// one frame of at most limit bytes (0: any), and returns its payload.
	takeText(limit int64) ([]byte, bool)
	// shortClose says the head of the buffer is a close frame with a
	// 1-byte payload, which gorilla would report as an empty close.
	shortClose() bool
	// tcp is the connection under the batching, which can half-close.
	tcp() net.Conn
}

// readBufferSize is the read buffer a connection holds while it has
// something to read; a waiting one parks it (readerPool), so idle
// connections hold none and its size costs only the busy ones. It takes
// several 1.5 KB frames per read: with a buffer smaller than a frame,
// bufio reads the frame straight into the caller's buffer (it does so for
// any request at least its size), one read syscall a frame. gorilla
// adopts only readers larger than 256 bytes.
const readBufferSize = 8 << 10

// upgrader is the one WebSocket upgrader configuration of every endpoint.
func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		HandshakeTimeout: s.o.HandshakeTimeout,
		// 0: gorilla adopts the read buffer the hijack hands it (see
		// hijacker). Writes use pooled buffers, held only while a message
		// is written.
		ReadBufferSize:  0,
		WriteBufferSize: 1024,
		WriteBufferPool: s.writeBufs,
		Subprotocols:    s.o.Subprotocols,
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, _ *http.Request, code int, reason error) {
			// RFC 6455 §4.4: a refused handshake names the versions the
			// server speaks; gorilla's own refusal does, but not with a hook.
			w.Header().Set("Sec-WebSocket-Version", "13")
			s.refuseUpgrade(w, status.New(codeForStatus(code), reason.Error()))
		},
	}
}

// upgrade runs gorilla's Upgrade over a hijack of ours and returns the
// connection with what lies beneath it.
func (s *Server) upgrade(up *websocket.Upgrader, w http.ResponseWriter, r *http.Request) (*websocket.Conn, *tap, error) {
	h := &hijacker{ResponseWriter: w, s: s}
	ws, err := up.Upgrade(h, r, nil)
	if err != nil {
		return nil, nil, err
	}
	h.tap.s = s
	// gorilla reset the reader it adopted to read from the conn the
	// hijack returned, the tap, as it was; it has read nothing through it.
	h.tap.br.Reset(h.tap)
	return ws, h.tap, nil
}

// hijacker hands gorilla's Upgrade a hijack that yields a wsio.BatchConn
// and a read buffer of ours, which gorilla adopts: net/http's own is four
// times the size, and ours can be lent out while the connection waits.
type hijacker struct {
	http.ResponseWriter
	s   *Server
	tap *tap
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("ws: response writer cannot be hijacked")
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	bc := wsio.NewBatchConn(c, batchFlushAt, h.s.batches)
	if brw.Reader.Buffered() > 0 {
		return bc, brw, nil // gorilla refuses such a client
	}
	h.tap = &tap{BatchConn: bc}
	h.tap.br, h.tap.rw = h.s.readers.get(h.tap), h.tap.newReadWait(bc.Raw())
	return h.tap, bufio.NewReadWriter(h.tap.br, brw.Writer), nil
}

// batchFlushAt sends a batch early once it holds this many bytes, so a
// burst of large replies never builds an unbounded buffer.
const batchFlushAt = 64 << 10

// tap is the read buffer gorilla reads through, and the connection under
// it, which gorilla writes to.
type tap struct {
	*wsio.BatchConn
	s  *Server
	br *bufio.Reader // gorilla's, by adoption; it reads from the tap
	rw readWait      // readwait_*.go
	ps pollState     // busypoll.go
	// polling: reads go to the socket pollFD without blocking (wait)
	pollFD  int32
	polling bool
}

// Read is what gorilla's reader reads from: the connection, or while the
// tap waits for bytes, the socket without blocking (readwait_*.go).
func (t *tap) Read(p []byte) (int, error) {
	if t.polling {
		return t.readSocket(p)
	}
	return t.BatchConn.Read(p)
}

// Write is how gorilla writes: a frame at a time, each in one call. Its
// close frame ends the writing, so that the writer's replies, which go to
// the BatchConn without gorilla, never follow it (RFC 6455 §5.5.1), as
// gorilla refuses its own writes after it.
func (t *tap) Write(p []byte) (int, error) {
	if len(p) >= 2 && p[0] == finClose && int(p[1]) == len(p)-2 {
		return t.WriteLast(p)
	}
	return t.BatchConn.Write(p)
}

func (t *tap) ahead() bool   { return t.br.Buffered() > 0 }
func (t *tap) tcp() net.Conn { return t.Conn }

// Client frames' first two bytes: FIN and the opcode, then the mask bit
// (clients always mask) and a 7-bit length (at most 125 for control frames).
const (
	finText   = 0x80 | websocket.TextMessage
	finPong   = 0x80 | websocket.PongMessage
	finClose  = 0x80 | websocket.CloseMessage
	maskedBit = 0x80
)

// skipPong consumes a whole pong at the head of the read buffer. Left to
// gorilla, a pong is handled inside its read, which then waits there, deep
// and holding the buffer, for the next frame: every idle connection would
// grow its stack after its first ping. Only the exact shape of a client's
// pong is taken (final, no extension bits, masked, at most 125 bytes, all
// buffered); anything else is gorilla's to read and to judge.
func (t *tap) skipPong() bool {
	h, err := t.br.Peek(2)
	if err != nil || h[0] != finPong || h[1]&maskedBit == 0 || h[1]&0x7f > 125 {
		return false
	}
	size := 2 + 4 + int(h[1]&0x7f)
	if t.br.Buffered() < size {
		return false
	}
	_, _ = t.br.Discard(size)
	return true
}

// maxClientHeader is the longest header of a client's frame: two bytes,
// an 8-byte length and the mask.
const maxClientHeader = 2 + 8 + 4

// takeText reads a text message that is one final frame, already whole
// in the buffer, straight from it: its payload is unmasked into a slice
// of its exact size, which the pipeline may keep. Through gorilla, a
// message took its frame parser, a message reader and a scratch buffer to
// copy out of, a twelfth of a small frame's cost. Only that exact shape
// is taken (no extension bits, masked, within limit, as gorilla's read
// limit counts it); anything else, a frame over the limit included, is
// gorilla's to read and to judge.
func (t *tap) takeText(limit int64) ([]byte, bool) {
	h, _ := t.br.Peek(min(t.br.Buffered(), maxClientHeader))
	if len(h) < 2+4 || h[0] != finText || h[1]&maskedBit == 0 {
		return nil, false
	}
	size, at := uint64(h[1]&0x7f), 2
	switch size {
	case 126:
		size, at = uint64(binary.BigEndian.Uint16(h[2:])), 4
	case 127:
		if len(h) < 10 {
			return nil, false
		}
		size, at = binary.BigEndian.Uint64(h[2:]), 10
	}
	buffered := uint64(t.br.Buffered())
	if (limit > 0 && size > uint64(limit)) || size > buffered || uint64(at+4)+size > buffered {
		return nil, false
	}
	end := at + 4 + int(size)
	p, _ := t.br.Peek(end)
	frame := make([]byte, size)
	unmask(frame, p[at+4:end], p[at:at+4])
	_, _ = t.br.Discard(end)
	return frame, true
}

// shortClose looks at the buffered head only: it never waits.
func (t *tap) shortClose() bool {
	if t.br.Buffered() < 2 {
		return false
	}
	h, _ := t.br.Peek(2)
	return h[0] == finClose && h[1] == maskedBit|1
}

// readerPool holds read buffers while their connections wait: readers
// with a buffer, and empty shells to park one in. Both are bufio.Readers
// because gorilla keeps a pointer to its own and only its contents can be
// swapped.
type readerPool struct {
	full, shells *sync.Pool
}

func newReaderPool() readerPool {
	return readerPool{
		full:   &sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }},
		shells: &sync.Pool{New: func() any { return new(bufio.Reader) }},
	}
}

// get is a reader for a new connection, with a parked buffer when there is
// one: each new connection parks its buffer as soon as it waits, so a burst
// of connections reuses one buffer instead of piling them up until a
// collection.
func (p readerPool) get(r io.Reader) *bufio.Reader {
	br := p.full.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// park moves t's buffer into the pool, leaving gorilla's reader empty:
// nothing may read through it until fill.
func (t *tap) park() {
	p := t.s.readers
	shell := p.shells.Get().(*bufio.Reader)
	*shell, *t.br = *t.br, bufio.Reader{}
	p.full.Put(shell)
}

// fill gives gorilla's reader a buffer from the pool again.
func (t *tap) fill() {
	p := t.s.readers
	r := p.full.Get().(*bufio.Reader)
	*t.br, *r = *r, bufio.Reader{}
	t.br.Reset(t)
	p.shells.Put(r)
}

// writeClose sends the close frame under deadline. gorilla refuses it
// when it sent a close of its own (1009, 1002), and also when any earlier
// write of its failed: its 1009 close and its pongs go out under its own
// 1 s deadline, which a loaded machine can let pass before the write, and
// the peer then saw the connection end with no close at all (1006). So
// when gorilla refuses, the close goes straight to the BatchConn, after
// whatever a failed write left there; if gorilla's own close is what was
// written last, that close is the one left there, and it is sent instead.
func writeClose(ws *websocket.Conn, bc *wsio.BatchConn, code int, text string, deadline time.Time) {
	payload := websocket.FormatCloseMessage(code, text)
	if ws.WriteControl(websocket.CloseMessage, payload, deadline) == nil || len(payload) > 125 {
		return
	}
	_ = bc.SetWriteDeadline(deadline)
	frame := append([]byte{finClose, byte(len(payload))}, payload...)
	if _, err := bc.WriteLast(frame); errors.Is(err, wsio.ErrWritesEnded) {
		_ = bc.Flush()
	}
}

// closingByGorilla says a write of the writer's failed because gorilla
// has sent a close of its own (1009 over the read limit, 1002): the tap
// ended the BatchConn's writes when that close went in (ErrWritesEnded),
// or gorilla refused the writer's ping after it (ErrCloseSent). The
// connection is closing with a reason, not failing; the reader, which
// gorilla's close came from, is about to close with it.
func closingByGorilla(err error) bool {
	return errors.Is(err, wsio.ErrWritesEnded) || errors.Is(err, websocket.ErrCloseSent)
}

// Bounds of linger: a peer that keeps sending after the close holds the
// writer's goroutine no longer than lingerTimeout, and makes it read no
// more than lingerMaxBytes; then the socket is closed whatever it holds.
// The cap is well above the default read limit (1 MiB), so the tail of an
// honest client's frame a few times over it is drained, not reset; 16 MiB
// is a few milliseconds of reads.
const (
	lingerTimeout  = time.Second
	lingerMaxBytes = 16 << 20
)

// linger ends the TCP connection without destroying what was just sent.
// Closing a socket whose receive buffer holds unread bytes (a client still
// sending when the server closes, say the rest of a frame over the read
// limit) makes the kernel answer with a RST, and a RST makes the peer's
// kernel drop the replies and the close frame it has not read yet. So,
// once the close frame is out, send our FIN (RFC 6455 §7.1.1: the server
// closes the TCP connection first) and read and discard until the peer
// hangs up or a bound is reached. Only the writer calls it, after the
// reader has returned, so nobody else reads the socket. Shutdown does not
// wait past its context for it.
func (c *conn) linger() {
	nc := c.under.tcp()
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	end := time.Now().Add(lingerTimeout)
	buf := make([]byte, 4<<10)
	for read := 0; read < lingerMaxBytes && time.Now().Before(end); {
		// A close decided late (a shutdown racing an idle close) may
		// expire the deadline concurrently; setting it on every pass keeps
		// the wait bounded by end alone.
		_ = nc.SetReadDeadline(end)
		n, err := nc.Read(buf)
		read += n
		if err != nil && !isTimeout(err) {
			return
		}
	}
}

// codeForStatus is the error code of a handshake gorilla refused.
func codeForStatus(httpStatus int) codes.Code {
	switch httpStatus {
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	}
	return codes.InvalidArgument
}
