package bench

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Idle connections keep gorilla's buffers small so the generator's own
// memory stays low when it holds tens of thousands of them.
const (
	idleReadBuf  = 1024
	idleWriteBuf = 1024
)

// Idle opens n WebSocket connections to url and holds them open doing
// nothing, for measuring a server's memory per connection. It dials with
// bounded concurrency and fails, having closed what it opened, if any dial
// fails. closeAll closes every connection; it is safe to call more than once.
func Idle(ctx context.Context, url string, n int) (closeAll func(), err error) {
	return IdleWith(ctx, Options{URL: url}, n)
}

// IdleWith is Idle with the dial settings of o: URL, HandshakeTimeout,
// Origin and Header; the other fields are ignored.
func IdleWith(ctx context.Context, o Options, n int) (closeAll func(), err error) {
	if o.HandshakeTimeout == 0 {
		o.HandshakeTimeout = defaultTimeout
	}
	if err := o.checkDial(); err != nil {
		return nil, err
	}
	if n < 0 || n > maxConns {
		return nil, fmt.Errorf("bench: idle conns %d out of 0..%d", n, maxConns)
	}
	ds, err := dialMany(ctx, o, n, idleReadBuf, idleWriteBuf)
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() { discard(d) })
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			closeDialed(ds, time.Now().Add(closeGrace))
			wg.Wait()
		})
	}, nil
}

// discard reads until the connection ends, so pings are answered and a
// server-side close is noticed, as a real idle client would.
func discard(d dialed) {
	for {
		_, r, err := d.ws.NextReader()
		if err != nil {
			return
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return
		}
	}
}
