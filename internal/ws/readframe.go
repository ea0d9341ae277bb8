package ws

import (
	"bytes"
	"encoding/binary"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/wsio"
)

// maxPooledScratch keeps the scratch buffer a huge frame grew out of the
// pool.
const maxPooledScratch = 64 << 10

// newScratchPool returns the pool of read buffers one server shares.
func newScratchPool() *sync.Pool { return wsio.NewBufferPool(4 << 10) }

// readFrame is gorilla's ReadMessage without its cost: a message that is
// one frame, whole in the buffer, is taken from it directly (takeText);
// any other is read through gorilla into a pooled scratch buffer and
// copied once into a slice of its exact size. The pipeline and its
// actions may keep the slice. The read limit is gorilla's, as before.
// whole says the frame was taken from the buffer: no read of the socket
// went into it (see conn.receipt).
func (c *conn) readFrame() (mt int, frame []byte, whole bool, err error) {
	if frame, ok := c.under.takeText(c.s.o.ReadLimit); ok {
		return websocket.TextMessage, frame, true, nil
	}
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return mt, nil, false, err
	}
	bp := c.s.scratch.Get().(*[]byte)
	buf, err := wsio.ReadAll(r, (*bp)[:0])
	if err == nil {
		frame = bytes.Clone(buf)
	}
	if cap(buf) <= maxPooledScratch {
		*bp = buf[:0]
		c.s.scratch.Put(bp)
	}
	return mt, frame, false, err
}

// unmask writes src XORed with a client's 4-byte masking key to dst, as
// RFC 6455 §5.3 has it, eight bytes at a time.
func unmask(dst, src, key []byte) {
	k := uint64(binary.LittleEndian.Uint32(key))
	k |= k << 32
	i := 0
	for ; i+8 <= len(src); i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(src[i:])^k)
	}
	for ; i < len(src); i++ {
		dst[i] = src[i] ^ key[i&3]
	}
}
