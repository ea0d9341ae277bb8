package natsbus

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/whsign"
)

// An event whose schedule ran out is terminated only once its dead letter
// is written: when that write fails the event is kept and tried again.
func TestWebhookKeepsEventWhenDeadLetterFails(t *testing.T) {
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer recv.Close()
	s := natstest.Run(t, t.TempDir(), -1)
	b := connect(t, testConfig(s.ClientURL()))
	sender := newSender(t, recv.URL)
	dl, err := action.NewDeadLetter(action.DeadLetterConfig{FileConfig: action.FileConfig{Path: filepath.Join(t.TempDir(), "dead.jsonl")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := dl.Close(context.Background()); err != nil { // every write fails from now on
		t.Fatal(err)
	}
	w := b.Webhook(WebhookConfig{Name: "hook", Sender: sender, Timeout: 5 * time.Second,
		Schedule: []time.Duration{0}, DeadLetter: dl})
	defer func() { _ = w.Close(context.Background()) }()
	if err := w.Do(context.Background(), testEvent("kept")); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 20*time.Second, "a second attempt (the event kept although its dead letter could not be written)",
		func() bool { return hits.Load() >= 2 })
}

// Every event id, even one a NATS header would flatten, reaches the
// receiver as the webhook-id the direct outbox would send (whsign.WebhookID),
// from the first delivery and from a replay of that one id.
func TestWebhookSendsEveryIDAsItsWebhookID(t *testing.T) {
	got := make(chan string, 16)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get(whsign.HeaderID)
	}))
	defer recv.Close()
	s := natstest.Run(t, t.TempDir(), -1)
	b := connect(t, testConfig(s.ClientURL()))
	sender := newSender(t, recv.URL)
	w := b.Webhook(WebhookConfig{Name: "hook", Sender: sender, Timeout: 5 * time.Second})
	defer func() { _ = w.Close(context.Background()) }()
	ids := []string{"a\r\nb", "a  b", " c", "c"}
	for _, id := range ids {
		if err := w.Do(context.Background(), testEvent(id)); err != nil {
			t.Fatalf("publish %q: %v", id, err)
		}
	}
	next := func() string {
		select {
		case id := <-got:
			return id
		case <-time.After(20 * time.Second):
			t.Fatal("no delivery within 20s")
			return ""
		}
	}
	for _, id := range ids { // one at a time, in stream order
		if g := next(); g != whsign.WebhookID(id) {
			t.Errorf("event %q went as webhook-id %q, want %q", id, g, whsign.WebhookID(id))
		}
	}
	if n, err := w.Replay(context.Background(), time.Time{}, ids[0]); err != nil || n != 1 {
		t.Fatalf("replay of %q: %d, %v", ids[0], n, err)
	}
	if g := next(); g != whsign.WebhookID(ids[0]) {
		t.Errorf("replayed %q went as webhook-id %q", ids[0], g)
	}
}
