package bench

import (
	"net"
	"sync"
)

// batchConn coalesces the WebSocket frames a writer produces in one burst
// into a single write syscall. gorilla writes every message straight to the
// socket, and on loopback each write also runs the receiver's TCP stack, so
// per-frame syscalls would make the generator eat the CPU it shares with the
// server under test. Between hold and release, writes are buffered; at all
// other times (handshake, the reader's pong and close replies) they pass
// straight through, so nothing waits in the buffer while the writer sleeps.
type batchConn struct {
	net.Conn
	limit int // flush once this many bytes are buffered

	mu   sync.Mutex // the reader goroutine may write control frames
	hold bool
	buf  []byte
	err  error
}

func newBatchConn(c net.Conn, limit int) *batchConn {
	return &batchConn{Conn: c, limit: limit}
}

// Write buffers p while held; the error of a deferred flush surfaces on the
// next Write or release.
func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if !b.hold {
		return b.Conn.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= b.limit {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// holdWrites starts a burst: writes are buffered until release.
func (b *batchConn) holdWrites() {
	b.mu.Lock()
	b.hold = true
	b.mu.Unlock()
}

// release ends a burst and writes what it buffered in one syscall.
func (b *batchConn) release() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hold = false
	return b.flushLocked()
}

func (b *batchConn) flushLocked() error {
	if b.err != nil || len(b.buf) == 0 {
		return b.err
	}
	_, b.err = b.Conn.Write(b.buf)
	b.buf = b.buf[:0]
	return b.err
}
