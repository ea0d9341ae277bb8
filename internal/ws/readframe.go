package ws

import (
	"bytes"
	"sync"

	"github.com/schemagate/schemagate/internal/wsio"
)

// maxPooledScratch keeps the scratch buffer a huge frame grew out of the
// pool.
const maxPooledScratch = 64 << 10

// newScratchPool returns the pool of read buffers one server shares.
func newScratchPool() *sync.Pool { return wsio.NewBufferPool(4 << 10) }

// readFrame is gorilla's ReadMessage without its cost: the frame is read
// into a pooled scratch buffer and copied once into a slice of its exact
// size, which the pipeline and its actions may keep. The read limit is
// gorilla's, as before.
func (c *conn) readFrame() (int, []byte, error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return mt, nil, err
	}
	bp := c.s.scratch.Get().(*[]byte)
	buf, err := wsio.ReadAll(r, (*bp)[:0])
	var frame []byte
	if err == nil {
		frame = bytes.Clone(buf)
	}
	if cap(buf) <= maxPooledScratch {
		*bp = buf[:0]
		c.s.scratch.Put(bp)
	}
	return mt, frame, err
}
