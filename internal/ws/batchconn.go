package ws

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// batchFlushAt sends a batch early once it holds this many bytes, so a
// burst of large replies never builds an unbounded buffer.
const batchFlushAt = 64 << 10

// maxPooledBatch keeps a buffer that one huge reply grew out of the pool.
const maxPooledBatch = 256 << 10

// batchConn is the hijacked connection under gorilla. Gorilla writes every
// message with its own syscall; between begin and end, writes collect in a
// buffer instead and end sends them with one. Outside a batch (the
// handshake, control frames from other goroutines) writes go straight
// through. The buffer comes from a pool and goes back after each flush, so
// an idle connection holds none.
type batchConn struct {
	net.Conn
	pool     *sync.Pool // of *[]byte
	mu       sync.Mutex
	batching bool
	buf      *[]byte
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.batching {
		return b.Conn.Write(p)
	}
	if b.buf == nil {
		b.buf = b.pool.Get().(*[]byte)
	}
	*b.buf = append(*b.buf, p...)
	if len(*b.buf) >= batchFlushAt {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// begin starts collecting writes.
func (b *batchConn) begin() {
	b.mu.Lock()
	b.batching = true
	b.mu.Unlock()
}

// end sends what was collected in one write and stops collecting.
func (b *batchConn) end() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = false
	return b.flushLocked()
}

func (b *batchConn) flushLocked() error {
	if b.buf == nil {
		return nil
	}
	_, err := b.Conn.Write(*b.buf)
	if cap(*b.buf) <= maxPooledBatch {
		*b.buf = (*b.buf)[:0]
		b.pool.Put(b.buf)
	}
	b.buf = nil
	return err
}

// newBatchPool returns the pool of batch buffers one server shares.
func newBatchPool() *sync.Pool {
	return &sync.Pool{New: func() any {
		b := make([]byte, 0, 8<<10)
		return &b
	}}
}

// batchWriter hands gorilla's Upgrade a hijack that yields a batchConn.
type batchWriter struct {
	http.ResponseWriter
	pool *sync.Pool
}

func (w batchWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("ws: response writer cannot be hijacked")
	}
	c, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &batchConn{Conn: c, pool: w.pool}, brw, nil
}
