package action

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// direct sends a plain-HTTP delivery on a kept-alive connection from the
// calling goroutine: it writes the request, then reads the answer, with
// the standard library's own Request.Write and ReadResponse. The
// transport's way costs each request three goroutine hand-offs (caller,
// writeLoop, readLoop) and their wakeups, which on a busy machine weigh as
// much as the write and the read themselves; here one goroutine parks once.
//
// It serves only what the default transport would send straight to the
// receiver: http:// with no proxy for the URL. A 307 or 308 goes on
// through the client, which follows it as it would have; https and
// proxies use the client throughout.
type direct struct {
	url    *url.URL
	addr   string
	dialer net.Dialer
	// req stands for every request in ReadResponse (which reads its
	// method and keeps it in the answer); head is every request's start,
	// up to the Content-Length value.
	req  *http.Request
	head string

	// owner, when set, is a context whose end closes the direct and
	// interrupts the attempts made under it (busy), so that those need
	// no watch of their own (a context.AfterFunc per attempt is a cost
	// the sender would pay on every delivery).
	owner context.Context

	mu     sync.Mutex
	idle   []*directConn // at most maxIdleDirect
	busy   map[*directConn]struct{}
	closed bool
}

// maxIdleDirect bounds the connections kept between attempts, here and in
// the transport a poster gets for https: an outbox lane holds one; a sync
// webhook under load may hold several.
const maxIdleDirect = 16

type directConn struct {
	c     net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	num   []byte // Content-Length's digits
	check idleCheck
}

// newDirect returns a direct sender for rawURL, or nil when the client
// should send: a transport or timeout of its own, cookies, a scheme other
// than http, a proxy for the URL, or configured headers that Request.Write
// treats apart (extra).
func newDirect(rawURL string, client *http.Client, extra http.Header) *direct {
	if client.Transport != nil || client.Jar != nil || client.Timeout != 0 {
		return nil
	}
	for _, k := range []string{"Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer"} {
		if _, ok := extra[k]; ok {
			return nil
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil {
		return nil
	}
	if proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err != nil || proxy != nil {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	return &direct{url: u, addr: net.JoinHostPort(u.Hostname(), port),
		req:  &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1},
		head: "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: "}
}

// post sends body with the header fields fs within timeout, and returns
// the answer; redirect is the URL of a 307 or 308 answer, for the client
// to follow.
func (d *direct) post(ctx context.Context, fs []field, body []byte, timeout time.Duration) (a answer, redirect *url.URL) {
	deadline := time.Now().Add(timeout)
	dc, reused, err := d.get(ctx, deadline)
	if err != nil {
		return failed(ctx, err, timeout), nil
	}
	resp, code, err := d.roundTrip(ctx, dc, fs, body, deadline)
	if err != nil && reused && ctx.Err() == nil && stale(err) {
		// The receiver closed the kept connection before this request
		// reached it, as the default transport also assumes when it
		// resends: once, on a fresh connection.
		dc.c.Close()
		if dc, err = d.dial(ctx, deadline); err != nil {
			return failed(ctx, err, timeout), nil
		}
		resp, code, err = d.roundTrip(ctx, dc, fs, body, deadline)
	}
	if err != nil {
		dc.c.Close()
		return failed(ctx, err, timeout), nil
	}
	if resp == nil {
		d.keep(ctx, dc, true)
		return answer{Code: code}, nil
	}
	a, drained := settle(resp)
	resp.Body.Close()
	d.keep(ctx, dc, drained && !resp.Close)
	if a.Code == http.StatusTemporaryRedirect || a.Code == http.StatusPermanentRedirect {
		if loc, err := resp.Location(); err == nil {
			return a, loc
		}
	}
	return a, nil
}

// keep puts dc back for the next attempt when its answer was read to the
// end and the receiver keeps it open, and closes it otherwise.
func (d *direct) keep(ctx context.Context, dc *directConn, reusable bool) {
	if reusable && ctx.Err() == nil {
		d.put(dc)
	} else {
		dc.c.Close()
	}
}

// roundTrip writes the request and reads its answer: a plain 2xx whole
// (resp nil, its status in code), any other's head, whose body the caller
// reads. ctx ending interrupts either.
func (d *direct) roundTrip(ctx context.Context, dc *directConn, fs []field, body []byte, deadline time.Time) (resp *http.Response, code int, err error) {
	if err := dc.c.SetDeadline(deadline); err != nil {
		return nil, 0, err
	}
	if d.owner == nil || ctx != d.owner {
		stop := context.AfterFunc(ctx, func() { _ = dc.c.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	} else if err := d.watch(dc); err != nil {
		return nil, 0, err
	} else {
		defer d.unwatch(dc)
	}
	d.writeRequest(dc, fs, body)
	if err := dc.bw.Flush(); err != nil {
		return nil, 0, err
	}
	if code, ok, err := plainAnswer(dc.br); ok || err != nil {
		return nil, code, err
	}
	for {
		resp, err := http.ReadResponse(dc.br, d.req)
		// An informational answer (103 Early Hints) precedes the real one,
		// as the transport also skips it.
		if err != nil || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, 0, err
		}
	}
}

// writeRequest buffers the request as Request.Write would put it (request
// line, Host, User-Agent, Content-Length, the header fields, a CR or LF in
// a value turned into a space, then the body) without its allocations,
// which are the most of what Request.Write costs per delivery. A write
// error stays in the buffer for Flush to return.
func (d *direct) writeRequest(dc *directConn, fs []field, body []byte) {
	bw := dc.bw
	_, _ = bw.WriteString(d.head)
	dc.num = strconv.AppendInt(dc.num[:0], int64(len(body)), 10)
	_, _ = bw.Write(dc.num)
	_, _ = bw.WriteString("\r\n")
	for _, f := range fs {
		_, _ = bw.WriteString(f.key)
		_, _ = bw.WriteString(": ")
		switch {
		case f.raw != nil && bytes.ContainsAny(f.raw, "\r\n"):
			_, _ = bw.WriteString(oneLine(string(f.raw)))
		case f.raw != nil:
			_, _ = bw.Write(f.raw)
		case strings.ContainsAny(f.str, "\r\n"):
			_, _ = bw.WriteString(oneLine(f.str))
		default:
			_, _ = bw.WriteString(f.str)
		}
		_, _ = bw.WriteString("\r\n")
	}
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body)
}

// oneLine turns a CR or LF in a header value into a space, as
// Request.Write does.
func oneLine(v string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(v) }

// stale says err is what a kept connection the receiver had closed gives.
func stale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// failed is the answer to an attempt that got no response.
func failed(ctx context.Context, err error, timeout time.Duration) answer {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return answer{Err: err, Canceled: true}
	case errors.As(err, &ne) && ne.Timeout():
		return answer{Err: errors.New("no answer within " + timeout.String()), TimedOut: true}
	default:
		return answer{Err: err}
	}
}

// get takes an idle connection, or dials one. An idle connection on which
// the receiver spoke unasked is closed: what it sent would be read as the
// next request's answer (a 200 for a delivery the receiver failed), as the
// transport too closes a connection on an "unsolicited response".
func (d *direct) get(ctx context.Context, deadline time.Time) (*directConn, bool, error) {
	for {
		d.mu.Lock()
		n := len(d.idle)
		if n == 0 {
			d.mu.Unlock()
			break
		}
		dc := d.idle[n-1]
		d.idle[n-1] = nil
		d.idle = d.idle[:n-1]
		d.mu.Unlock()
		if !dc.check.spoke() {
			return dc, true, nil
		}
		dc.c.Close()
	}
	dc, err := d.dial(ctx, deadline)
	return dc, false, err
}

func (d *direct) dial(ctx context.Context, deadline time.Time) (*directConn, error) {
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	c, err := d.dialer.DialContext(dctx, "tcp", d.addr)
	if err != nil {
		return nil, err
	}
	dc := &directConn{c: c, br: bufio.NewReader(c), bw: bufio.NewWriter(c)}
	dc.check.init(c)
	return dc, nil
}

// put keeps dc for the next attempt, unless enough are kept, the sender
// is closed, or bytes past the answer were read already: the receiver
// said more than it was asked (see get).
func (d *direct) put(dc *directConn) {
	d.mu.Lock()
	if !d.closed && len(d.idle) < maxIdleDirect && dc.br.Buffered() == 0 {
		d.idle = append(d.idle, dc)
		dc = nil
	}
	d.mu.Unlock()
	if dc != nil {
		dc.c.Close()
	}
}

// own makes ctx the owner: once it ends, the direct closes and attempts
// under ctx in flight are interrupted. Call it before any attempt.
func (d *direct) own(ctx context.Context) {
	d.owner, d.busy = ctx, map[*directConn]struct{}{}
	context.AfterFunc(ctx, d.close)
}

// watch notes an attempt under the owner in flight on dc, unless the owner
// has ended already.
func (d *direct) watch(dc *directConn) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.owner.Err(); err != nil {
		return err
	}
	d.busy[dc] = struct{}{}
	return nil
}

func (d *direct) unwatch(dc *directConn) {
	d.mu.Lock()
	delete(d.busy, dc)
	d.mu.Unlock()
}

// close closes the kept connections; later ones are closed after use.
// With the owner ended, the attempts in flight under it are interrupted
// too; others (a sync webhook's) finish on their own.
func (d *direct) close() {
	d.mu.Lock()
	idle := d.idle
	d.idle, d.closed = nil, true
	if d.owner != nil && d.owner.Err() != nil {
		for dc := range d.busy {
			_ = dc.c.SetDeadline(time.Unix(1, 0))
		}
	}
	d.mu.Unlock()
	for _, dc := range idle {
		dc.c.Close()
	}
}
