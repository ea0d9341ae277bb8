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
	"sync"
	"sync/atomic"
	"testing"

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
	var dials atomic.Int32
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
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
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
