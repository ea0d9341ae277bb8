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
	// br is the buffered reader gorilla reads frames through (it reuses
	// the one the hijack hands it), kept so the reader can see whether a
	// frame may already be buffered before it waits on the socket.
	br       *bufio.Reader
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

// readBufferSize is each connection's read buffer: most frames are small,
// and 10,000 idle connections must stay light; larger frames are read in
// pieces.
const readBufferSize = 1024

// batchWriter hands gorilla's Upgrade a hijack that yields a batchConn and
// a read buffer of ours, which gorilla adopts (Upgrader.ReadBufferSize is
// 0): net/http's own is four times the size.
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
	bc := &batchConn{Conn: c, pool: w.pool}
	if brw.Reader.Buffered() > 0 {
		return bc, brw, nil // gorilla refuses such a client anyway
	}
	bc.br = bufio.NewReaderSize(bc, readBufferSize)
	return bc, bufio.NewReadWriter(bc.br, brw.Writer), nil
}

// readerPool holds read buffers while their connections wait: readers
// with a buffer, and empty shells to park one in. Both are bufio.Readers
// because gorilla keeps a pointer to its own and only its contents can
// be swapped.
type readerPool struct {
	full, shells *sync.Pool
}

func newReaderPool() readerPool {
	return readerPool{
		full:   &sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }},
		shells: &sync.Pool{New: func() any { return new(bufio.Reader) }},
	}
}

// park moves br's buffer into the pool, leaving br empty: nothing may read
// through br until fill.
func (p readerPool) park(br *bufio.Reader) {
	shell := p.shells.Get().(*bufio.Reader)
	*shell, *br = *br, bufio.Reader{}
	p.full.Put(shell)
}

// fill gives br a buffer from the pool, reading from src.
func (p readerPool) fill(br *bufio.Reader, src *batchConn) {
	r := p.full.Get().(*bufio.Reader)
	*br, *r = *r, bufio.Reader{}
	br.Reset(src)
	p.shells.Put(r)
}
