// Package wsio is the byte plumbing beneath gorilla/websocket that the
// server (internal/ws) and the load generator (internal/bench) share: a
// connection that sends a burst of frames with one write, and reading a
// message into a reused buffer. It knows bytes and sockets, not WebSocket
// frames.
package wsio

import (
	"errors"
	"math"
	"net"
	"sync"
	"syscall"
	"time"
)

// BatchConn is a net.Conn that coalesces writes. gorilla writes every
// message with its own syscall, and on loopback each write also runs the
// receiver's TCP stack; between Hold and Release writes collect in a buffer
// instead, and are sent with one syscall once FlushAt bytes are buffered or
// at Release. Outside a hold (a handshake, control frames from other
// goroutines) writes go straight through.
//
// A write that fails or times out keeps the bytes it did not send, so the
// frames in the buffer stay whole and in order: a later write (say, a close
// frame under a fresh deadline) sends them first. Inside a hold, Write never
// fails (gorilla remembers a failed write and refuses every later one,
// close frames included); the error comes back from Release.
type BatchConn struct {
	net.Conn
	flushAt int
	pools   *Pools     // nil keeps the buffer between bursts
	mu      sync.Mutex // other goroutines may write control frames
	holding bool
	ended   bool    // WriteLast has written
	buf     *[]byte // bytes written to b and not yet to the socket
	err     error   // the last flush's, until one succeeds
	// wdl is the write deadline last set through b, in unix nanoseconds
	// (noDeadline for none); 0 until one is.
	wdl int64
	// raw is the socket beneath, written without waking the runtime's
	// monitor thread (rawio_linux.go); nil: through the net.Conn.
	raw syscall.RawConn
	own *rawWriter // without pools, the state of b's raw writes
}

// noDeadline stands for the zero time in BatchConn.wdl.
const noDeadline = math.MinInt64

// maxPooled keeps a buffer that one huge burst grew out of the pool.
const maxPooled = 256 << 10

// NewBatchConn wraps c; pools, when not nil, lend the buffer only while
// something is buffered and a raw write's state only while it writes, so
// an idle connection holds neither.
func NewBatchConn(c net.Conn, flushAt int, pools *Pools) *BatchConn {
	return &BatchConn{Conn: c, flushAt: flushAt, pools: pools, raw: rawConnOf(c)}
}

// Pools are what BatchConns borrow while they write: buffers for bursts,
// and the state of a raw write, which RawConn.Write's callback needs
// beside it. Many connections share one Pools.
type Pools struct {
	buffers *sync.Pool // of *[]byte
	writers sync.Pool  // of *rawWriter
}

// NewPools returns Pools whose buffers start at bufferSize bytes.
func NewPools(bufferSize int) *Pools {
	return &Pools{buffers: NewBufferPool(bufferSize), writers: sync.Pool{New: func() any { return newRawWriter() }}}
}

// Raw is the socket beneath b, for a caller that waits on it too (nil:
// not a socket of the runtime's poller, or not on Linux).
func (b *BatchConn) Raw() syscall.RawConn { return b.raw }

// WithRawReads returns b as a net.Conn whose reads, too, go to the socket
// without waking the runtime's monitor thread (rawio_linux.go says why),
// for a connection read by one goroutine at a time, as gorilla reads; b
// itself when there is no socket to read raw.
func (b *BatchConn) WithRawReads() net.Conn {
	if b.raw == nil {
		return b
	}
	return newRawReadConn(b)
}

// send writes p to the connection beneath.
func (b *BatchConn) send(p []byte) (int, error) {
	if b.raw == nil {
		return b.Conn.Write(p)
	}
	if b.pools == nil {
		if b.own == nil {
			b.own = newRawWriter()
		}
		return b.own.write(b.raw, p)
	}
	w := b.pools.writers.Get().(*rawWriter)
	n, err := w.write(b.raw, p)
	b.pools.writers.Put(w)
	return n, err
}

// NewBufferPool returns a pool of write buffers of size bytes to start with.
func NewBufferPool(size int) *sync.Pool {
	return &sync.Pool{New: func() any {
		b := make([]byte, 0, size)
		return &b
	}}
}

// ErrWritesEnded is what writes return once WriteLast has written.
var ErrWritesEnded = errors.New("wsio: nothing is written after the last write")

// Write buffers p while held (sending early past flushAt); otherwise it
// sends whatever is still buffered and p now.
func (b *BatchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writeLocked(p)
}

// WriteLast is Write, and then every later write fails with
// ErrWritesEnded: a WebSocket close frame must be the last thing sent,
// whoever writes it.
func (b *BatchConn) WriteLast(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.writeLocked(p)
	b.ended = true
	return n, err
}

// WritePair is Write of p and then q, with nothing another goroutine
// writes in between: a frame's header and payload, say, without copying
// them together first.
func (b *BatchConn) WritePair(p, q []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return ErrWritesEnded
	}
	b.keep(p)
	_, err := b.writeLocked(q)
	return err
}

func (b *BatchConn) writeLocked(p []byte) (int, error) {
	if b.ended {
		return 0, ErrWritesEnded
	}
	if !b.holding && b.buffered() == 0 {
		n, err := b.send(p)
		if err != nil {
			b.keep(p[n:])
		}
		return n, err
	}
	b.keep(p)
	if !b.holding {
		return len(p), b.flushLocked()
	}
	if b.err == nil && len(*b.buf) >= b.flushAt {
		_ = b.flushLocked()
	}
	return len(p), nil
}

// SetWriteDeadline passes t on unless it is the deadline already set.
// gorilla sets the connection's write deadline before every frame it
// writes, the same one for every frame of a batch; each setting takes the
// runtime's poller lock and moves a timer, which was a twentieth of a small
// reply's cost.
func (b *BatchConn) SetWriteDeadline(t time.Time) error {
	d := int64(noDeadline)
	if !t.IsZero() {
		d = t.UnixNano()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if d == b.wdl {
		return nil
	}
	err := b.Conn.SetWriteDeadline(t)
	b.wdl = 0
	if err == nil {
		b.wdl = d
	}
	return err
}

// WriteDeadline is the write deadline last set through b, zero when none
// is or it is not known (after SetDeadline, or a setting that failed).
func (b *BatchConn) WriteDeadline() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wdl == 0 || b.wdl == noDeadline {
		return time.Time{}
	}
	return time.Unix(0, b.wdl)
}

// SetDeadline sets both deadlines, as net.Conn's does.
func (b *BatchConn) SetDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.wdl = 0 // known again after the next SetWriteDeadline
	return b.Conn.SetDeadline(t)
}

// Flush sends what is still buffered, even after WriteLast: a last write
// that failed or timed out (a close frame) kept its bytes, and they can
// still go out, whole, under a fresh deadline.
func (b *BatchConn) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

// Hold starts a burst: writes are buffered until Release.
func (b *BatchConn) Hold() {
	b.mu.Lock()
	b.holding = true
	b.mu.Unlock()
}

// Release ends a burst and sends what it buffered with one write.
func (b *BatchConn) Release() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holding = false
	return b.flushLocked()
}

// Buffered is the number of bytes written to b and not yet to the socket:
// after a failed flush, what is left of it.
func (b *BatchConn) Buffered() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffered()
}

func (b *BatchConn) buffered() int {
	if b.buf == nil {
		return 0
	}
	return len(*b.buf)
}

func (b *BatchConn) keep(p []byte) {
	if b.buf == nil {
		if b.pools != nil {
			b.buf = b.pools.buffers.Get().(*[]byte)
		} else {
			b.buf = new([]byte)
		}
	}
	*b.buf = append(*b.buf, p...)
}

func (b *BatchConn) flushLocked() error {
	if b.buffered() == 0 {
		return nil
	}
	n, err := b.send(*b.buf)
	if b.err = err; err != nil {
		*b.buf = (*b.buf)[:copy(*b.buf, (*b.buf)[n:])]
		return err
	}
	*b.buf = (*b.buf)[:0]
	if b.pools != nil {
		if cap(*b.buf) <= maxPooled {
			b.pools.buffers.Put(b.buf)
		}
		b.buf = nil
	}
	return nil
}
