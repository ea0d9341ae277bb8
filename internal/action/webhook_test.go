package action

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

// script answers the nth request (from 0) with codes[n], repeating the
// last code once the script runs out, and counts the requests. With hang
// it never answers: it waits until the client gives up or hold closes.
type script struct {
	codes []int
	hang  bool
	hold  chan struct{}
	calls atomic.Int32
	t     *testing.T
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1)) - 1
	var body fileLine
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ID != "e1" || string(body.Data) != `{"a":1}` {
		s.t.Errorf("body = %+v (%v)", body, err)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
		r.Header.Get("Idempotency-Key") != "e1" || r.Header.Get("X-Token") != "t0k" ||
		r.Header.Get("webhook-id") != "e1" || r.Header.Get("webhook-event-type") != "person" ||
		r.Header.Get("webhook-event-version") != "2" || r.Header.Get("webhook-signature") != "" {
		s.t.Errorf("request %s with headers %v", r.Method, r.Header)
	}
	if s.hang {
		select {
		case <-s.hold:
		case <-r.Context().Done():
		}
		return
	}
	code := s.codes[min(n, len(s.codes)-1)]
	if code >= 300 && code < 400 {
		w.Header().Set("Location", "/moved") // would come back as a GET, failing the checks above
	}
	w.WriteHeader(code)
	io.WriteString(w, "answer body")
}

// webhookCase is a receiver's script and what Do should make of it.
type webhookCase struct {
	name      string
	codes     []int
	hang      bool          // the receiver never answers
	timeout   time.Duration // per attempt; zero means generous
	retries   int
	want      codes.Code
	wantCalls int32
}

func TestWebhook(t *testing.T) {
	tests := []webhookCase{
		{name: "delivered", codes: []int{200}, retries: 2, want: codes.OK, wantCalls: 1},
		{name: "204 counts", codes: []int{204}, want: codes.OK, wantCalls: 1},
		{name: "503 twice then 200", codes: []int{503, 503, 200}, retries: 2, want: codes.OK, wantCalls: 3},
		{name: "429 then 200", codes: []int{429, 200}, retries: 2, want: codes.OK, wantCalls: 2},
		{name: "always 500", codes: []int{500}, retries: 2, want: codes.Unavailable, wantCalls: 3},
		{name: "503 beyond retries", codes: []int{503, 503, 200}, retries: 1, want: codes.Unavailable, wantCalls: 2},
		{name: "400 not retried", codes: []int{400}, retries: 2, want: codes.FailedPrecondition, wantCalls: 1},
		{name: "404 not retried", codes: []int{404}, retries: 2, want: codes.FailedPrecondition, wantCalls: 1},
		{name: "302 not followed as GET", codes: []int{302}, retries: 2, want: codes.FailedPrecondition, wantCalls: 1},
		{
			// The receiver never answers, so Do returning at all shows
			// Timeout ending each attempt; no clock is read.
			name: "slower than Timeout", codes: []int{200}, hang: true, timeout: 100 * time.Millisecond, retries: 2,
			want: codes.Unavailable, wantCalls: 3,
		},
	}
	// Through a client of the caller's (its transport counts attempts),
	// and through the default one, which a plain-HTTP URL lets the
	// webhook bypass (direct.go).
	for _, path := range []string{"client", "direct"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) { testWebhookCase(t, tt, path == "direct") })
		}
	}
}

func testWebhookCase(t *testing.T, tt webhookCase, direct bool) {
	s := &script{codes: tt.codes, hang: tt.hang, hold: make(chan struct{}), t: t}
	srv := httptest.NewServer(s)
	defer srv.Close()
	defer close(s.hold) // before srv.Close, which waits for handlers
	client := srv.Client()
	sent := &countingTransport{next: client.Transport}
	client.Transport = sent
	if direct {
		client = nil
	}
	w := newWebhook(t, WebhookConfig{
		URL: srv.URL, Timeout: cmp.Or(tt.timeout, 5*time.Second), Retries: tt.retries,
		Backoff: 20 * time.Millisecond, Headers: map[string]string{"X-Token": "t0k"},
	}, client)
	defer closeOK(t, w)
	if (w.post.direct != nil) != direct {
		t.Fatalf("direct sender %v, want %v", w.post.direct != nil, direct)
	}

	err := w.Do(context.Background(), testEvent("e1", `{"a":1}`))
	if tt.want == codes.OK {
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
	} else {
		wantCode(t, err, tt.want)
	}
	// Attempts are counted where they are made. The receiver's count
	// matches them only when it answered each one: a request abandoned at
	// Timeout may not have reached its handler yet (on a loaded machine
	// the 100ms can pass while it is still dialling).
	if got := sent.n.Load(); !direct && got != tt.wantCalls {
		t.Errorf("%d attempts, want %d", got, tt.wantCalls)
	}
	if got := s.calls.Load(); !tt.hang && got != tt.wantCalls {
		t.Errorf("receiver saw %d attempts, want %d", got, tt.wantCalls)
	}
}

// countingTransport counts the requests a client sends.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// A receiver that is down is UNAVAILABLE; once it is back, events flow.
func TestWebhookDownThenUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	// A refused connection fails at once; the timeout only bounds an
	// attempt on a machine too busy to answer within a second.
	w := newWebhook(t, WebhookConfig{URL: "http://" + addr + "/hook", Timeout: 30 * time.Second, Retries: 1,
		Backoff: 10 * time.Millisecond, Headers: map[string]string{"X-Token": "t0k"}}, nil)
	defer closeOK(t, w)
	err = w.Do(context.Background(), testEvent("e1", `{"a":1}`))
	wantCode(t, err, codes.Unavailable)

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	s := &script{codes: []int{200}, t: t}
	srv := httptest.NewUnstartedServer(s)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	if err := w.Do(context.Background(), testEvent("e1", `{"a":1}`)); err != nil {
		t.Fatalf("Do once the receiver is up: %v", err)
	}
}

// ctx bounds the whole delivery, retries and backoff included: once it
// ends, no further attempt is made.
func TestWebhookStopsAtContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &script{codes: []int{503}, t: t}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The attempt is counted first, so the count is settled by the time
		// Do returns; the answer reaches the client only after the handler
		// returns, so the caller still gives up while the attempt is in flight.
		s.ServeHTTP(w, r)
		cancel()
	}))
	defer srv.Close()
	w := newWebhook(t, WebhookConfig{URL: srv.URL, Timeout: time.Minute, Retries: 10, Backoff: time.Millisecond,
		Headers: map[string]string{"X-Token": "t0k"}}, srv.Client())
	defer closeOK(t, w)
	wantCode(t, w.Do(ctx, testEvent("e1", `{"a":1}`)), codes.Unavailable)
	if got := s.calls.Load(); got != 1 {
		t.Errorf("%d attempts after ctx ended, want 1", got)
	}
}

// A backoff that would outlast ctx's deadline is not waited out: Do gives
// up at once rather than sleep towards an attempt it could not make.
func TestWebhookGivesUpBeforeTheDeadline(t *testing.T) {
	s := &script{codes: []int{503}, t: t}
	srv := httptest.NewServer(s)
	defer srv.Close()
	// The first wait is jittered over [1h, 2h), the deadline is under an hour away.
	w := newWebhook(t, WebhookConfig{URL: srv.URL, Timeout: time.Minute, Retries: 10, Backoff: 2 * time.Hour,
		Headers: map[string]string{"X-Token": "t0k"}}, srv.Client())
	defer closeOK(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	wantCode(t, w.Do(ctx, testEvent("e1", `{"a":1}`)), codes.Unavailable)
	if got := s.calls.Load(); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
}

func TestWebhookClosed(t *testing.T) {
	w := newWebhook(t, WebhookConfig{URL: "http://127.0.0.1:1"}, nil)
	closeOK(t, w)
	wantCode(t, w.Do(context.Background(), testEvent("e1", `{}`)), codes.Unavailable)
}

func newWebhook(t *testing.T, cfg WebhookConfig, client *http.Client) *Webhook {
	t.Helper()
	w, err := NewWebhook(cfg, client)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebhookRefusesABadSecret(t *testing.T) {
	_, err := NewWebhook(WebhookConfig{URL: "http://127.0.0.1:1", Secrets: []string{"whsec_c2hvcnQ="}}, nil)
	wantCode(t, err, codes.InvalidArgument)
}
