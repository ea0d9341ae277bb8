package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsTransport keeps one WebSocket to the gateway, dialed on first use and
// again once it is lost.
type wsTransport struct {
	url    string
	header http.Header
	bare   bool

	mu     sync.Mutex
	conn   *wsConn
	closed bool
}

func newWSTransport(url string, h http.Header, bare bool) *wsTransport {
	return &wsTransport{url: url, header: h, bare: bare}
}

// wsConn is one connection: a writer lock, and the calls waiting for
// their replies by key, oldest first.
type wsConn struct {
	c       *websocket.Conn
	bare    bool
	wmu     sync.Mutex
	mu      sync.Mutex
	pending map[key][]chan []byte
	err     error // set once the connection is lost
}

func (t *wsTransport) roundTrip(ctx context.Context, k key, frame []byte) ([]byte, error) {
	c, refusal, err := t.get(ctx)
	if refusal != nil || err != nil {
		return refusal, err
	}
	ch := make(chan []byte, 1)
	if err := c.add(k, ch); err != nil {
		return nil, unavailable(err)
	}
	c.wmu.Lock()
	if d, ok := ctx.Deadline(); ok {
		_ = c.c.SetWriteDeadline(d)
	}
	err = c.c.WriteMessage(websocket.TextMessage, frame)
	c.wmu.Unlock()
	if err != nil {
		c.fail(err)
		return nil, unavailable(err)
	}
	select {
	case reply, ok := <-ch:
		if !ok {
			return nil, unavailable(c.lost())
		}
		return reply, nil
	case <-ctx.Done():
		// ch stays queued as a placeholder: the frame was sent, so its
		// reply may still come, and must land in ch (buffered, then
		// dropped) rather than go to the next call with the same key;
		// in Bare mode every key is "", so that would be every call.
		return nil, ctx.Err()
	}
}

// get returns the live connection, dialing one if there is none. A
// handshake the gateway refused returns its reply object (401, 503...).
func (t *wsTransport) get(ctx context.Context) (*wsConn, []byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, nil, errors.New("client: closed")
	}
	if t.conn != nil && t.conn.lost() == nil {
		return t.conn, nil, nil
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.DialContext(ctx, t.url, t.header)
	if err != nil {
		if resp != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if len(body) > 0 && body[0] == '{' {
				return nil, body, nil
			}
		}
		return nil, nil, unavailable(err)
	}
	t.conn = &wsConn{c: conn, bare: t.bare, pending: map[key][]chan []byte{}}
	go t.conn.read()
	return t.conn, nil, nil
}

func (t *wsTransport) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	if t.conn == nil {
		return nil
	}
	c := t.conn
	c.wmu.Lock()
	_ = c.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.fail(errors.New("client: closed"))
	return c.c.Close()
}

// read hands each reply to the oldest call waiting for its key; a reply
// whose id matches no call goes to a call whose frame had no readable id.
func (c *wsConn) read() {
	for {
		_, msg, err := c.c.ReadMessage()
		if err != nil {
			c.fail(err)
			return
		}
		k := key("")
		if !c.bare {
			k = replyKey(msg)
		}
		c.mu.Lock()
		if len(c.pending[k]) == 0 {
			k = ""
		}
		if q := c.pending[k]; len(q) > 0 {
			q[0] <- msg
			c.pending[k] = q[1:]
			if len(c.pending[k]) == 0 {
				delete(c.pending, k)
			}
		}
		c.mu.Unlock()
	}
}

func (c *wsConn) add(k key, ch chan []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.pending[k] = append(c.pending[k], ch)
	return nil
}

// fail ends the connection: every waiting call learns it was lost.
func (c *wsConn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	for _, q := range c.pending {
		for _, ch := range q {
			close(ch)
		}
	}
	c.pending = nil
	_ = c.c.Close()
}

func (c *wsConn) lost() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
