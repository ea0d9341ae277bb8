package ws

import (
	"bytes"
	"io"
	"sync"
)

// maxPooledScratch keeps the scratch buffer a huge frame grew out of the
// pool.
const maxPooledScratch = 64 << 10

// newScratchPool returns the pool of read buffers one server shares.
func newScratchPool() *sync.Pool {
	return &sync.Pool{New: func() any {
		b := make([]byte, 0, 4<<10)
		return &b
	}}
}

// readFrame is gorilla's ReadMessage without its cost: io.ReadAll starts
// at 512 bytes and reallocates as the frame grows (four allocations and
// copies for a 1.5 KB order). Here the frame is read into a pooled scratch
// buffer and copied once into a slice of its exact size, which the
// pipeline and its actions may keep. The read limit is gorilla's, as before.
func (c *conn) readFrame() (int, []byte, error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return mt, nil, err
	}
	bp := c.s.scratch.Get().(*[]byte)
	buf := (*bp)[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
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
