package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/wsio"
)

// dialParallel bounds concurrent handshakes, so opening thousands of
// connections does not flood the server's accept queue or trip a SYN limit.
const dialParallel = 32

// closeGrace bounds the goodbye: the close frame, and how long a writer may
// stay stuck past the drain before its socket is closed under it.
const closeGrace = time.Second

// dialed is one open connection and the batching layer under it.
type dialed struct {
	ws *websocket.Conn
	bc *wsio.BatchConn
}

// dialMany opens n connections, at most dialParallel at a time. On the first
// failure it stops, closes what it opened and returns that error.
func dialMany(ctx context.Context, o Options, n, readBuf, writeBuf int) ([]dialed, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]dialed, n)
	sem := make(chan struct{}, dialParallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			ws, bc, err := o.dial(ctx, readBuf, writeBuf)
			if err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			out[i] = dialed{ws, bc}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		closeDialed(out, time.Now())
		return nil, first
	}
	return out, nil
}

// closeDialed says goodbye with a close frame where the socket takes it by
// deadline, then closes; nil entries (failed dials) are skipped.
func closeDialed(ds []dialed, deadline time.Time) {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	for _, d := range ds {
		if d.ws != nil {
			_ = d.ws.WriteControl(websocket.CloseMessage, msg, deadline)
			d.ws.Close()
		}
	}
}

// dial opens one connection whose writes go through a batchConn and whose
// reads, like its writes, do not wake the runtime's monitor thread (at one
// frame in flight that wake-up was a context switch per frame). readBuf and
// writeBuf size gorilla's buffers: large for load, small for idle conns.
func (o Options) dial(ctx context.Context, readBuf, writeBuf int) (*websocket.Conn, *wsio.BatchConn, error) {
	var bc *wsio.BatchConn
	d := websocket.Dialer{
		HandshakeTimeout: o.HandshakeTimeout,
		ReadBufferSize:   readBuf,
		WriteBufferSize:  writeBuf,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			bc = wsio.NewBatchConn(c, 64<<10, nil)
			return bc.WithRawReads(), nil
		},
	}
	h := o.Header.Clone()
	if o.Origin != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Origin", o.Origin)
	}
	ctx, cancel := context.WithTimeout(ctx, o.HandshakeTimeout)
	defer cancel()
	ws, resp, err := d.DialContext(ctx, o.URL, h)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, nil, handshakeError(o.URL, resp, err)
	}
	return ws, bc, nil
}

// handshakeError names the HTTP status when the server refused the upgrade,
// which is the usual cause (wrong path, Origin or auth).
func handshakeError(u string, resp *http.Response, err error) error {
	if resp != nil {
		return fmt.Errorf("bench: dial %s: %s: %w", u, resp.Status, err)
	}
	return fmt.Errorf("bench: dial %s: %w", u, err)
}
