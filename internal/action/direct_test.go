package action

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// The direct sender serves only what the default transport would send
// straight to the receiver.
func TestDirectOnlyForPlainHTTP(t *testing.T) {
	tests := []struct {
		url    string
		client *http.Client
		extra  http.Header
		want   bool
	}{
		{url: "http://127.0.0.1:9/events", client: &http.Client{}, want: true},
		{url: "http://localhost/events", client: &http.Client{}, want: true},
		{url: "https://127.0.0.1:9/events", client: &http.Client{}},
		{url: "http://user:pw@127.0.0.1:9/events", client: &http.Client{}},
		{url: "http://127.0.0.1:9/events", client: &http.Client{Transport: http.DefaultTransport}},
		{url: "http://127.0.0.1:9/events", client: &http.Client{Timeout: 1}},
		{url: "::not a url", client: &http.Client{}},
		{url: "http://127.0.0.1:9/events", client: &http.Client{}, extra: http.Header{"X-Token": {"t"}}, want: true},
		{url: "http://127.0.0.1:9/events", client: &http.Client{}, extra: http.Header{"User-Agent": {"hooks/1"}}},
		{url: "http://127.0.0.1:9/events", client: &http.Client{}, extra: http.Header{"Host": {"elsewhere"}}},
	}
	for _, tt := range tests {
		if got := newDirect(tt.url, tt.client, tt.extra) != nil; got != tt.want {
			t.Errorf("%s with %+v: direct %v, want %v", tt.url, tt.client, got, tt.want)
		}
	}
	if d := newDirect("http://localhost/events", &http.Client{}, nil); d.addr != "localhost:80" {
		t.Errorf("addr %s", d.addr)
	}
}

// A receiver that closes its kept connections between deliveries, or
// answers "Connection: close", costs no failed attempt: the next
// delivery goes on a fresh connection, the first time.
func TestDirectSurvivesClosedConnections(t *testing.T) {
	var got atomic.Int32
	var closeAfter atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
		if closeAfter.Load() {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	w := newWebhook(t, WebhookConfig{URL: srv.URL}, nil) // Retries 0: one attempt each
	defer closeOK(t, w)
	do := func(id string) {
		t.Helper()
		if err := w.Do(context.Background(), testEvent(id, `{}`)); err != nil {
			t.Fatalf("Do %s: %v", id, err)
		}
	}
	do("e1")
	srv.CloseClientConnections()
	do("e2")
	closeAfter.Store(true)
	do("e3")
	do("e4")
	if n := got.Load(); n != 4 {
		t.Errorf("receiver got %d, want 4", n)
	}
}

// A 307 or 308 is followed with the same POST, body and signature; a
// redirect to another host loses the Authorization header, as the
// client's would.
func TestDirectFollowsRedirects(t *testing.T) {
	var got atomic.Value
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got.Store(r.Method + " " + r.URL.Path + " " + r.Header.Get("Webhook-Id") + " " + r.Header.Get("Webhook-Signature")[:3] +
			" auth=" + r.Header.Get("Authorization") + " " + string(body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer dst.Close()
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		code := http.StatusTemporaryRedirect
		if r.URL.Path == "/permanent" {
			code = http.StatusPermanentRedirect
		}
		http.Redirect(w, r, dst.URL+"/moved", code)
	}))
	defer src.Close()
	for _, path := range []string{"/temporary", "/permanent"} {
		w := newWebhook(t, WebhookConfig{URL: src.URL + path, Secrets: []string{oldSecret}, Headers: map[string]string{"Authorization": "Bearer x"}}, nil)
		if err := w.Do(context.Background(), testEvent("e1", `{"a":1}`)); err != nil {
			t.Fatalf("%s: Do: %v", path, err)
		}
		closeOK(t, w)
		want := `POST /moved e1 v1, auth= {"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"a":1}}`
		if s, _ := got.Load().(string); s != want {
			t.Errorf("%s: receiver got %q, want %q", path, s, want)
		}
	}
}

// A request written by writeRequest reads back, on the receiver's side,
// as the one Request.Write would have written.
func TestDirectRequestReadsAsRequestWrite(t *testing.T) {
	d := newDirect("http://127.0.0.1:9/events?tenant=a%20b", &http.Client{}, nil)
	h := http.Header{"Content-Type": {"application/json"}, "Webhook-Id": {"e1\r\nX-Injected: 1"}, "X-Many": {"a", "b"}}
	body := []byte(`{"a":1}`)
	var mine bytes.Buffer
	dc := &directConn{bw: bufio.NewWriter(&mine)}
	var fs []field
	for k, vs := range h {
		for _, v := range vs {
			fs = append(fs, field{key: k, str: v})
		}
	}
	fs = append(fs, field{key: "X-Raw", raw: []byte("r\n1")})
	d.writeRequest(dc, fs, body)
	if err := dc.bw.Flush(); err != nil {
		t.Fatal(err)
	}
	h.Set("X-Raw", "r\n1")
	var std bytes.Buffer
	req := &http.Request{Method: http.MethodPost, URL: d.url, Host: d.url.Host, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	if err := req.Write(&std); err != nil {
		t.Fatal(err)
	}
	read := func(b *bytes.Buffer) string {
		r, err := http.ReadRequest(bufio.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r.Body)
		return fmt.Sprintf("%s %s %s host=%s len=%d %v %s", r.Method, r.RequestURI, r.Proto, r.Host, r.ContentLength, r.Header, got)
	}
	if a, b := read(&mine), read(&std); a != b {
		t.Errorf("writeRequest reads as\n%s\nRequest.Write as\n%s", a, b)
	}
}

// An https receiver, which the client sends to, keeps its connections
// across bursts of deliveries from several goroutines at once (outbox
// lanes, sync producers): the default transport kept two per host, so
// that every burst past two dialled (and handshook) anew. The receiver
// answers a burst's deliveries only once all of them are in, so that each
// needs a connection per sender.
func TestHTTPSConnectionsKeptAcrossConcurrentDeliveries(t *testing.T) {
	const senders, rounds = 4, 30
	var mu sync.Mutex
	arrived := sync.NewCond(&mu)
	in := map[string]int{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		round := r.Header.Get("Webhook-Event-Type")
		mu.Lock()
		in[round]++
		arrived.Broadcast()
		for in[round] < senders {
			arrived.Wait()
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	dials := countConns(srv)
	srv.StartTLS()
	defer srv.Close()
	p, err := newPoster(WebhookConfig{URL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.closeIdle()
	tr, ok := p.client.Transport.(*http.Transport)
	if !ok || p.direct != nil {
		t.Fatalf("transport %T, direct %v", p.client.Transport, p.direct != nil)
	}
	tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone() // trust the test's certificate
	for i := range rounds {                                                               // bursts, with every connection idle in between
		testkit.Concurrently(senders, func(g int) {
			m := message{ID: fmt.Sprint(g, "-", i), Type: fmt.Sprint("round-", i), Version: 1, Body: []byte(`{}`)}
			if a := p.attempt(context.Background(), m); a.Err != nil {
				t.Error(a.Err)
			}
		})
	}
	// A sender may race a connection on its way back to the pool and dial
	// one more, which the pool then keeps: at most as many as it keeps,
	// where two kept meant at least two dials a burst.
	if n := dials.Load(); n > senders+maxIdleDirect {
		t.Errorf("%d connections for %d bursts of %d concurrent deliveries", n, rounds, senders)
	}
}

// A receiver (or a proxy) that answers one request twice leaves an answer
// nobody asked for on the kept connection, whether it came with the first
// (read into the buffer already) or after it (waiting in the socket). The
// next delivery must not take it for its own, which would count as
// delivered an event the receiver answered 500: the connection is dropped,
// as the transport drops one with an "unsolicited response".
func TestDirectDropsAConnectionThatSpokeUnasked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the peek at an idle connection is Linux's (directidle_linux.go)")
	}
	const ok, failed = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
	for _, tt := range []struct {
		name     string
		together bool // the extra answer in the same write as the first
	}{
		{"extra answer with the first", true},
		{"extra answer after the first was read", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var requests atomic.Int32
			extra := make(chan net.Conn, 1)
			go serveRaw(ln, func(c net.Conn) {
				if requests.Add(1) > 1 {
					_, _ = io.WriteString(c, failed)
				} else if tt.together {
					_, _ = io.WriteString(c, ok+ok)
				} else {
					_, _ = io.WriteString(c, ok)
					extra <- c
				}
			})
			p, err := newPoster(WebhookConfig{URL: "http://" + ln.Addr().String() + "/hook"}, nil)
			if err != nil || p.direct == nil {
				t.Fatal(err)
			}
			defer p.closeIdle()
			msg := message{ID: "e1", Type: "person", Version: 1, Body: []byte(`{}`)}
			if a := p.attempt(context.Background(), msg); a.Code != http.StatusOK {
				t.Fatalf("first delivery: %+v", a)
			}
			if !tt.together {
				_, _ = io.WriteString(<-extra, ok)
			}
			// Until the extra answer reached this side, no sender could
			// tell: wait for the kept connection to be gone, or to hold it.
			waitFor(t, "the extra answer to arrive", func() bool {
				p.direct.mu.Lock()
				defer p.direct.mu.Unlock()
				return len(p.direct.idle) == 0 || p.direct.idle[0].br.Buffered() > 0 || p.direct.idle[0].check.spoke()
			})
			if a := p.attempt(context.Background(), msg); a.Code != http.StatusInternalServerError {
				t.Errorf("second delivery: %+v, want the receiver's 500", a)
			}
		})
	}
}

// serveRaw reads HTTP requests on every connection ln accepts, and lets
// answer write each one's answer by hand.
func serveRaw(ln net.Listener, answer func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				answer(c)
			}
		}()
	}
}

// A kept connection that lay idle past the last attempt's deadline, which
// the poller holds against any read, is still taken for the next delivery:
// the peek at it must not mistake that deadline for the receiver's word.
func TestDirectReusesAConnectionIdlePastItsDeadline(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	conns := countConns(srv)
	srv.Start()
	defer srv.Close()
	p, err := newPoster(WebhookConfig{URL: srv.URL}, nil)
	if err != nil || p.direct == nil {
		t.Fatal(err)
	}
	defer p.closeIdle()
	msg := message{ID: "e1", Type: "person", Version: 1, Body: []byte(`{}`)}
	for i := range 3 {
		if a := p.attempt(context.Background(), msg); a.Err != nil {
			t.Fatalf("delivery %d: %v", i, a.Err)
		}
		p.direct.mu.Lock()
		for _, dc := range p.direct.idle {
			_ = dc.c.SetDeadline(time.Unix(1, 0)) // as if the timeout had passed
		}
		p.direct.mu.Unlock()
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 deliveries in a row, want 1", n)
	}
}

// countConns counts the connections srv, not started yet, will accept.
func countConns(srv *httptest.Server) *atomic.Int32 {
	var n atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}
