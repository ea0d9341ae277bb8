package action

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/whsign"
	"github.com/schemagate/schemagate/internal/whtest"
)

const (
	oldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	newSecret = "whsec_bmV3IHNlY3JldCwgdHdlbnR5LWZvdXIgYnl0ZXMgb3IgbW9yZQ=="
)

// The spec's reference library, in a receiver of its own, verifies what
// the webhook signs, before, during and after a secret rotation; it
// refuses what the webhook no longer signs for, an altered body and a
// stale replay, and flags a replay within its tolerance by its id.
func TestSignedDeliveriesVerifyWithTheReferenceLibrary(t *testing.T) {
	recvOld := whtest.Start(t, 0, oldSecret)
	recvNew := whtest.Start(t, 0, newSecret)
	send := func(url string, secrets []string, id string) error {
		w := newWebhook(t, WebhookConfig{URL: url + "/hook", Secrets: secrets}, nil)
		defer closeOK(t, w)
		return w.Do(context.Background(), testEvent(id, `{"name":"Zoë <&>","age":3}`))
	}
	steps := []struct {
		name    string
		secrets []string
		recv    *whtest.Receiver
		id      string
		want    codes.Code
	}{
		{"before: old secret", []string{oldSecret}, recvOld, "before", codes.OK},
		{"during: old receiver", []string{newSecret, oldSecret}, recvOld, "during-old", codes.OK},
		{"during: new receiver", []string{newSecret, oldSecret}, recvNew, "during-new", codes.OK},
		{"after: new receiver", []string{newSecret}, recvNew, "after-new", codes.OK},
		{"after: old receiver refuses", []string{newSecret}, recvOld, "after-old", codes.FailedPrecondition},
	}
	for _, s := range steps {
		err := send(s.recv.URL, s.secrets, s.id)
		if s.want == codes.OK && err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if s.want != codes.OK {
			wantCode(t, err, s.want)
		}
	}
	old := recvOld.Wait(t, 10*time.Second, "3 deliveries", func(d []whtest.Delivery) bool { return len(d) == 3 })
	if !old[0].OK || !old[1].OK || old[2].OK || old[2].Error != "No matching signature found" {
		t.Errorf("old receiver judged %+v", old)
	}
	if old[0].Type != "person" || old[0].Version != "2" || !strings.Contains(old[0].Body, `"name":"Zoë <&>"`) {
		t.Errorf("delivery %+v lacks the event's type, version or exact data", old[0])
	}
	got := recvNew.Wait(t, 10*time.Second, "2 deliveries", func(d []whtest.Delivery) bool { return len(d) == 2 })
	if !got[0].OK || !got[1].OK {
		t.Errorf("new receiver judged %+v", got)
	}

	// Tampering and replays, sent by hand with the headers a real delivery had.
	signer, _ := whsign.NewSigner([]string{newSecret})
	body := []byte(`{"id":"r1","type":"person","version":2,"received":"2026-01-02T03:04:05Z","data":{}}`)
	post := func(id string, at time.Time, sent []byte) {
		req, _ := http.NewRequest(http.MethodPost, recvNew.URL, bytes.NewReader(sent))
		signer.SetHeaders(req.Header, id, at, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	now := time.Now()
	post("r1", now, body)                                                    // genuine
	post("r1", now, body)                                                    // replayed at once: same id
	post("r2", now, bytes.Replace(body, []byte("{}"), []byte(`{"x":1}`), 1)) // altered
	post("r3", now.Add(-10*time.Minute), body)                               // replayed late
	got = recvNew.Wait(t, 10*time.Second, "6 deliveries", func(d []whtest.Delivery) bool { return len(d) == 6 })[2:]
	if !got[0].OK || got[0].Dup || !got[1].OK || !got[1].Dup {
		t.Errorf("genuine then replayed: %+v", got[:2])
	}
	if got[2].OK || got[2].Error != "No matching signature found" {
		t.Errorf("altered body: %+v", got[2])
	}
	if got[3].OK || got[3].Error != "Message timestamp too old" {
		t.Errorf("late replay: %+v", got[3])
	}
}

// Without secrets nothing is signed, but the id and the event's type and
// version still ride in headers.
func TestUnsignedDeliveryHeaders(t *testing.T) {
	var h http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h = r.Header.Clone() }))
	defer srv.Close()
	w := newWebhook(t, WebhookConfig{URL: srv.URL}, srv.Client())
	defer closeOK(t, w)
	if err := w.Do(context.Background(), testEvent("e9", `{}`)); err != nil {
		t.Fatal(err)
	}
	if h.Get("webhook-id") != "e9" || h.Get("webhook-event-type") != "person" || h.Get("webhook-event-version") != "2" ||
		h.Get("webhook-signature") != "" || h.Get("webhook-timestamp") != "" {
		t.Errorf("headers %v", h)
	}
}

// The header keys a delivery's map is filled with are the canonical
// spellings of the spec's names, as Header.Set would have written them.
func TestHeaderKeysAreCanonical(t *testing.T) {
	for key, name := range map[string]string{
		keyContentType: "content-type", keyIdempotency: "idempotency-key", keyID: whsign.HeaderID,
		keyTimestamp: whsign.HeaderTimestamp, keySignature: whsign.HeaderSignature,
		keyEventType: whsign.HeaderEventType, keyEventVersion: whsign.HeaderEventVersion,
	} {
		if want := http.CanonicalHeaderKey(name); key != want {
			t.Errorf("%q: key %q, want %q", name, key, want)
		}
	}
}

// A configured header overrides a default one, whatever its spelling.
func TestConfiguredHeadersOverride(t *testing.T) {
	p, err := newPoster(WebhookConfig{URL: "http://127.0.0.1:9/", Headers: map[string]string{"content-type": "application/cloudevents+json", "x-extra": "1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := p.header(message{ID: "e1", Type: "person", Version: 2}, time.Now())
	if h.Get("Content-Type") != "application/cloudevents+json" || h.Get("X-Extra") != "1" || h.Get("Webhook-Id") != "e1" || len(h["Content-Type"]) != 1 {
		t.Errorf("headers %v", h)
	}
}
