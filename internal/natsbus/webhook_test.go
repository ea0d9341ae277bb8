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
	sender, err := action.NewSender(action.WebhookConfig{URL: recv.URL})
	if err != nil {
		t.Fatal(err)
	}
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
	deadline := time.Now().Add(20 * time.Second)
	for hits.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts: the event was dropped when its dead letter could not be written", hits.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
