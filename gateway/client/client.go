// Package client sends events to a schemagate gateway over WebSocket or
// HTTP and returns each event's reply: its result, or the error report the
// gateway gave (a *wire.Error with the gRPC code the handler or validator
// chose).
//
// A Client is safe for concurrent use: on WebSocket, calls from many
// goroutines share one connection, their frames pipelined and each reply
// matched to its call by id. An event without an id gets one. A refusal
// with UNAVAILABLE (or a lost connection) is resent, with the same id,
// after a backoff, up to Options.Retries times; the id lets the receiving
// side tell a resend from a new event.
package client

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/gateway/wire"
)

// Options tune a Client; the zero value is usable.
type Options struct {
	// Token is sent as "Authorization: Bearer <token>".
	Token string
	// Header is sent with every request or handshake (an Origin, say).
	Header http.Header
	// Timeout bounds each attempt's wait for its reply (default 30s).
	Timeout time.Duration
	// Retries is how many times an event refused with UNAVAILABLE, or
	// whose connection was lost, is sent again (default 3; -1 for none).
	Retries int
	// Backoff is the first wait before a resend, doubled each time up to
	// 5s, with jitter (default 100ms).
	Backoff time.Duration
	// Bare sends frames as they are to a bare route (no envelope, no id;
	// one frame at a time, since replies carry nothing to match).
	Bare bool
}

// Reply is the gateway's answer to an accepted event.
type Reply struct {
	// ID is the event's id.
	ID string
	// Result is the handler's result (echo's data), nil for a plain ack.
	Result json.RawMessage
	// Raw is the reply as it came, for printing.
	Raw []byte
}

// Decode decodes the result into v, for typed replies.
func (r *Reply) Decode(v any) error {
	if r.Result == nil {
		return errors.New("client: the reply carries no result")
	}
	return json.Unmarshal(r.Result, v)
}

// transport carries one frame and returns its reply.
type transport interface {
	roundTrip(ctx context.Context, id key, frame []byte) ([]byte, error)
	close() error
}

// Client sends events to one gateway URL.
type Client struct {
	opts   Options
	t      transport
	prefix string
	n      atomic.Uint64
}

// New returns a client for url: ws:// or wss:// (the gateway's /ws, or a
// bare route) or http:// or https:// (the gateway's base URL, or its
// POST /v1/events URL). A WebSocket is dialed on first use and dialed
// again after it is lost.
func New(url string, o Options) (*Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = 100 * time.Millisecond
	}
	h := o.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if o.Token != "" {
		h.Set("Authorization", "Bearer "+o.Token)
	}
	c := &Client{opts: o, prefix: idPrefix()}
	switch {
	case strings.HasPrefix(url, "ws://"), strings.HasPrefix(url, "wss://"):
		c.t = newWSTransport(url, h, o.Bare)
	case strings.HasPrefix(url, "http://"), strings.HasPrefix(url, "https://"):
		c.t = newHTTPTransport(url, h, o.Bare)
	default:
		return nil, fmt.Errorf("client: %q is not a ws://, wss://, http:// or https:// URL", url)
	}
	return c, nil
}

// Close closes the connection, failing calls still waiting.
func (c *Client) Close() error { return c.t.close() }

// Send sends ev, whose EventKey names its type and version, with a new id.
func (c *Client) Send(ctx context.Context, ev wire.Event) (*Reply, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("client: encode %T: %w", ev, err)
	}
	return c.SendData(ctx, ev.EventKey(), "", data)
}

// SendData sends data (JSON) as an event of key, with id, or a new id when
// id is "".
func (c *Client) SendData(ctx context.Context, k wire.Key, id string, data json.RawMessage) (*Reply, error) {
	if id == "" {
		id = c.NewID()
	}
	frame, err := json.Marshal(struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Version int             `json:"version"`
		Data    json.RawMessage `json:"data"`
	}{id, k.Type, k.Version, data})
	if err != nil {
		return nil, fmt.Errorf("client: data is not JSON: %w", err)
	}
	return c.SendFrame(ctx, frame)
}

// SendFrame sends a frame as it is (an envelope, which should carry an id,
// or with Options.Bare a bare route's data) and returns its reply. A
// refusal is a *wire.Error, in which case the Reply is returned too, for
// its Raw form.
func (c *Client) SendFrame(ctx context.Context, frame []byte) (*Reply, error) {
	k := frameKey(frame, c.opts.Bare)
	wait := c.opts.Backoff
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		raw, err := c.t.roundTrip(actx, k, frame)
		cancel()
		var r *Reply
		if err == nil {
			r, err = parseReply(raw)
		}
		var we *wire.Error
		if !errors.As(err, &we) || we.Code != codes.Unavailable || attempt >= c.opts.Retries || ctx.Err() != nil {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, err
		case <-time.After(jitter(wait)):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// NewID returns an id unique to this client: a random prefix and a count.
func (c *Client) NewID() string {
	return c.prefix + strconv.FormatUint(c.n.Add(1), 10)
}

func idPrefix() string {
	var b [6]byte
	_, _ = crand.Read(b[:])
	return "go-" + hex.EncodeToString(b[:]) + "-"
}

func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// parseReply reads the contract's reply object. A reply that is not one
// (a bare route's raw echo) is an accepted reply whose result is the text.
func parseReply(raw []byte) (*Reply, error) {
	var w struct {
		ID     *string         `json:"id"`
		OK     *bool           `json:"ok"`
		Result json.RawMessage `json:"result"`
		Error  *wire.Error     `json:"error"`
	}
	r := &Reply{Raw: raw}
	if json.Unmarshal(raw, &w) != nil || w.OK == nil {
		r.Result = raw
		return r, nil
	}
	if w.ID != nil {
		r.ID = *w.ID
	}
	if !*w.OK {
		if w.Error == nil {
			w.Error = &wire.Error{Code: codes.Unknown, Message: "the reply says not ok and gives no error"}
		}
		return r, w.Error
	}
	r.Result = w.Result
	return r, nil
}

// unavailable is a lost or failed connection: a retry may succeed.
func unavailable(err error) error {
	return &wire.Error{Code: codes.Unavailable, Status: "UNAVAILABLE", Message: err.Error()}
}
