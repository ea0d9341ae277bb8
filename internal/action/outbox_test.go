package action

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/testkit"
)

// hookServer records the ids it took, in order, and answers what answer
// says for each request (nil: 204).
type hookServer struct {
	mu     sync.Mutex
	got    []string
	tries  map[string][]time.Time
	answer func(id string, n int) (code int, retryAfter string)
}

func (h *hookServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("webhook-id")
	h.mu.Lock()
	h.tries[id] = append(h.tries[id], time.Now())
	n := len(h.tries[id])
	h.mu.Unlock()
	code, ra := http.StatusNoContent, ""
	if h.answer != nil {
		code, ra = h.answer(id, n)
	}
	if ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	if code >= 200 && code < 300 {
		h.mu.Lock()
		h.got = append(h.got, id)
		h.mu.Unlock()
	}
	w.WriteHeader(code)
}

func (h *hookServer) delivered() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

func startHook(t *testing.T, answer func(id string, n int) (int, string)) (*hookServer, *httptest.Server) {
	h := &hookServer{tries: map[string][]time.Time{}, answer: answer}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

// startSwitchedHook is a receiver that answers every attempt with code
// until flip is called, and 204 from then on.
func startSwitchedHook(t *testing.T, code int) (h *hookServer, srv *httptest.Server, flip func()) {
	var flipped atomic.Bool
	h, srv = startHook(t, func(string, int) (int, string) {
		if flipped.Load() {
			return http.StatusNoContent, ""
		}
		return code, ""
	})
	return h, srv, func() { flipped.Store(true) }
}

func openOutbox(t *testing.T, cfg OutboxConfig) *Outbox {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "hook"
	}
	if cfg.Schedule == nil {
		cfg.Schedule = []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
	}
	o, err := NewOutbox(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// waitFor allows 20s for an outcome of the outbox's senders.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.WaitFor(t, 20*time.Second, what, cond)
}

func sendN(t *testing.T, o *Outbox, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s-%03d", prefix, i)
		if err := o.Do(context.Background(), testEvent(id, `{"i":1}`)); err != nil {
			t.Fatalf("Do %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Acks come before delivery; a receiver failing at first holds back the
// events behind it, which then arrive in order, each exactly once.
func TestOutboxDeliversInOrderAfterFailures(t *testing.T) {
	h, srv := startHook(t, func(id string, n int) (int, string) {
		if id == "e-000" && n < 3 {
			return http.StatusServiceUnavailable, ""
		}
		return http.StatusNoContent, ""
	})
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db")})
	defer closeOK(t, o)
	ids := sendN(t, o, "e", 50)
	waitFor(t, "all delivered", func() bool { return len(h.delivered()) == len(ids) })
	if got := strings.Join(h.delivered(), ","); got != strings.Join(ids, ",") {
		t.Fatalf("delivered %s", got)
	}
	waitFor(t, "backlog empty", func() bool { return o.Stats().Backlog == 0 })
	if s := o.Stats(); s.LastSuccess.IsZero() || !strings.Contains(s.LastError, "503") {
		t.Errorf("stats %+v", s)
	}
}

// A Retry-After longer than the schedule's wait is honoured.
func TestOutboxHonoursRetryAfter(t *testing.T) {
	h, srv := startHook(t, func(id string, n int) (int, string) {
		if n == 1 {
			return http.StatusTooManyRequests, "1"
		}
		return http.StatusOK, ""
	})
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db")})
	defer closeOK(t, o)
	sendN(t, o, "r", 1)
	waitFor(t, "delivered", func() bool { return len(h.delivered()) == 1 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if tr := h.tries["r-000"]; len(tr) != 2 || tr[1].Sub(tr[0]) < 900*time.Millisecond {
		t.Fatalf("attempts at %v, want the second a second after the first", tr)
	}
}

// 410 stops the endpoint, across a restart, until Enable; nothing is
// lost meanwhile.
func TestOutboxGoneDisablesUntilEnabled(t *testing.T) {
	h, srv, back := startSwitchedHook(t, http.StatusGone)
	path := filepath.Join(t.TempDir(), "o.db")
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path}
	o := openOutbox(t, cfg)
	ids := sendN(t, o, "g", 3)
	waitFor(t, "disabled", func() bool { return o.Stats().Disabled != "" })
	closeOK(t, o)

	back()
	o = openOutbox(t, cfg)
	defer closeOK(t, o)
	time.Sleep(100 * time.Millisecond) // would be plenty to deliver, were it enabled
	if s := o.Stats(); s.Disabled == "" || s.Backlog != 3 || len(h.delivered()) != 0 {
		t.Fatalf("after restart: %+v, delivered %v", s, h.delivered())
	}
	if was, err := o.Enable(context.Background()); err != nil || !was {
		t.Fatalf("Enable: %v %v", was, err)
	}
	waitFor(t, "delivered once enabled", func() bool { return len(h.delivered()) == 3 })
	if got := strings.Join(h.delivered(), ","); got != strings.Join(ids, ",") {
		t.Fatalf("delivered %s", got)
	}
}

// An event whose schedule runs out goes to the dead letter with every
// attempt, the next goes on; a replay sends it again.
func TestOutboxExhaustedToDeadLetterThenReplayed(t *testing.T) {
	var mu sync.Mutex
	refuse := true
	h, srv := startHook(t, func(id string, n int) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		if id == "d-000" && refuse {
			return http.StatusInternalServerError, ""
		}
		return http.StatusNoContent, ""
	})
	dir := t.TempDir()
	dl, err := NewDeadLetter(DeadLetterConfig{FileConfig: FileConfig{Path: filepath.Join(dir, "dead.ndjson")}})
	if err != nil {
		t.Fatal(err)
	}
	defer closeOK(t, dl)
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(dir, "o.db"), DeadLetter: dl})
	defer closeOK(t, o)
	sendN(t, o, "d", 2)
	waitFor(t, "the second delivered", func() bool { return len(h.delivered()) == 1 })
	if h.delivered()[0] != "d-001" {
		t.Fatalf("delivered %v", h.delivered())
	}
	waitFor(t, "the dead letter line", func() bool { b, _ := os.ReadFile(filepath.Join(dir, "dead.ndjson")); return len(b) > 0 })
	b, _ := os.ReadFile(filepath.Join(dir, "dead.ndjson"))
	var line undeliveredRecord
	if err := json.Unmarshal(b, &line); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	var ev fileLine
	if err := json.Unmarshal(line.Event, &ev); err != nil || ev.ID != "d-000" || line.Webhook != "hook" ||
		len(line.Attempts) != 4 || line.Attempts[3].Code != 500 {
		t.Fatalf("dead letter line %s", b)
	}

	mu.Lock()
	refuse = false
	mu.Unlock()
	n, err := o.Replay(context.Background(), time.Time{}, "d-000")
	if err != nil || n != 1 {
		t.Fatalf("Replay: %d %v", n, err)
	}
	waitFor(t, "the replayed one delivered", func() bool { return len(h.delivered()) == 2 })
	// Since: both were delivered and are in the history now.
	n, err = o.Replay(context.Background(), time.Now().Add(-time.Minute), "")
	if err != nil || n != 2 {
		t.Fatalf("Replay since: %d %v", n, err)
	}
	waitFor(t, "replayed again", func() bool { return len(h.delivered()) == 4 })
}

// A full outbox refuses with UNAVAILABLE rather than ack what it could not
// keep; once delivered events leave, it takes more.
func TestOutboxFullIsUnavailable(t *testing.T) {
	h, srv, up := startSwitchedHook(t, http.StatusServiceUnavailable)
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db"),
		MaxBytes: 2000, Schedule: append([]time.Duration{0}, slices.Repeat([]time.Duration{50 * time.Millisecond}, 100)...)})
	defer closeOK(t, o)
	var err error
	acked := 0
	for i := 0; err == nil && i < 100; i++ {
		if err = o.Do(context.Background(), testEvent(fmt.Sprintf("f-%d", i), `{"i":1}`)); err == nil {
			acked++
		}
	}
	wantCode(t, err, codes.Unavailable)
	if acked == 0 || acked > 20 {
		t.Fatalf("%d acked under 2000 bytes", acked)
	}
	up()
	waitFor(t, "the acked ones delivered", func() bool { return len(h.delivered()) == acked && o.Stats().Backlog == 0 })
	if err := o.Do(context.Background(), testEvent("after", `{}`)); err != nil {
		t.Fatalf("Do once drained: %v", err)
	}
}

// Each attempt is bounded by the webhook's timeout.
func TestOutboxAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := true
	var mu sync.Mutex
	h, srv := startHook(t, func(string, int) (int, string) {
		mu.Lock()
		s := slow
		slow = false
		mu.Unlock()
		if s {
			<-release
		}
		return http.StatusNoContent, ""
	})
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL, Timeout: 100 * time.Millisecond},
		Path: filepath.Join(t.TempDir(), "o.db")})
	defer closeOK(t, o)
	sendN(t, o, "s", 1)
	waitFor(t, "delivered on the second attempt", func() bool { return len(h.delivered()) == 1 })
	if s := o.Stats(); !strings.Contains(s.LastError, "no answer within 100ms") {
		t.Errorf("last error %q", s.LastError)
	}
}

// A caller that stops waiting does not strand its event: a line that
// reached the log with nobody left to kick the ingester (its Do gave up
// while the batch was being written) is still taken and delivered. A Do
// whose context ended before it began writes nothing.
func TestOutboxAbandonedDoStillDelivered(t *testing.T) {
	h, srv := startHook(t, nil)
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db")})
	defer closeOK(t, o)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wantCode(t, o.Do(ctx, testEvent("never", `{"i":1}`)), codes.Unavailable)
	msg, err := newMessage(testEvent("gave-up", `{"i":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.logf.Load().append(context.Background(), encodeLogLine(msg, time.Now())); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivered", func() bool { return len(h.delivered()) == 1 })
	if got := h.delivered()[0]; got != "gave-up" {
		t.Fatalf("delivered %s", got)
	}
}

// A Close whose context ends while the senders stop leaves the store
// open; a later Close finishes the job, so the file can be opened again.
func TestOutboxCloseAfterGivingUpFinishes(t *testing.T) {
	_, srv := startHook(t, nil)
	path := filepath.Join(t.TempDir(), "o.db")
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path})
	sendN(t, o, "c", 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = o.Close(ctx) // may give up before the store is closed
	closeOK(t, o)
	again := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path})
	closeOK(t, again)
}

// Close interrupts an attempt in flight at once, whatever the timeout,
// and that attempt counts for nothing: the next start delivers the event
// on its first attempt.
func TestOutboxCloseInterruptsAnAttempt(t *testing.T) {
	release := make(chan struct{})
	var hanging atomic.Bool
	hanging.Store(true)
	h, srv := startHook(t, func(string, int) (int, string) {
		if hanging.Load() {
			<-release
		}
		return http.StatusNoContent, ""
	})
	defer close(release) // before srv.Close (a cleanup), which waits for the handler
	path := filepath.Join(t.TempDir(), "o.db")
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL, Timeout: time.Hour}, Path: path, Schedule: []time.Duration{0, time.Hour}}
	o := openOutbox(t, cfg)
	sendN(t, o, "i", 1)
	waitFor(t, "the attempt reaches the receiver", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.tries["i-000"]) == 1
	})
	closeOK(t, o) // 10s to close, against the attempt's hour
	hanging.Store(false)
	again := openOutbox(t, cfg)
	defer closeOK(t, again)
	waitFor(t, "delivered after the restart", func() bool { return len(h.delivered()) == 1 })
	if s := again.Stats(); s.LastError != "" {
		t.Errorf("an interrupted attempt was counted: last error %q", s.LastError)
	}
}

// The backlog never counts an event twice, in the log and in a lane, and
// so never exceeds what was acknowledged plus the one Do in flight.
func TestOutboxBacklogNeverOvercounts(t *testing.T) {
	_, srv := startHook(t, nil)
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db"),
		Sync: SyncNever, Schedule: []time.Duration{time.Hour}})
	defer closeOK(t, o)
	var acked, worst atomic.Int64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			// Acks counted after the backlog was read: the bound only grows.
			b := o.Stats().Backlog
			if over := b - (acked.Load() + 1); over > worst.Load() {
				worst.Store(over)
			}
		}
	}()
	for i := range 20000 {
		if err := o.Do(context.Background(), testEvent(fmt.Sprintf("g-%05d", i), `{}`)); err != nil {
			t.Fatal(err)
		}
		acked.Add(1)
	}
	close(stop)
	<-done
	if worst.Load() > 0 {
		t.Errorf("backlog exceeded what was acknowledged by %d", worst.Load())
	}
}
