package action

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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
		req.Header.Set(whsign.HeaderID, id)
		req.Header.Set(whsign.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		req.Header.Set(whsign.HeaderSignature, signer.Sign(id, at, body))
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
	fs, _ := p.fields(nil, nil, message{ID: "e1", Type: "person", Version: 2}, time.Now())
	h := headerOf(fs)
	if h.Get("Content-Type") != "application/cloudevents+json" || h.Get("X-Extra") != "1" || h.Get("Webhook-Id") != "e1" || len(h["Content-Type"]) != 1 {
		t.Errorf("headers %v", h)
	}
}

// awkwardIDs are event ids the contract takes that a header cannot carry
// byte for byte, and, first, ones it can, which go as they are.
var awkwardIDs = []struct {
	name, id string
	derived  bool
}{
	{"plain", "e1", false},
	{"inner space", "order 7", false},
	{"CR LF", "a\r\nb", true},
	{"outer spaces", " e1 ", true},
	{"tab", "\te1", true},
	{"NUL", "a\x00b", true},
	{"DEL", "a\x7fb", true},
	{"non-ASCII", "Zoë", true},
	{"the prefix", whsign.IDPrefix + "ZTE", true},
}

// senders are the two ways a delivery leaves: the direct sender for
// plain http, and the client (https, proxies, a transport of one's own).
var senders = []struct {
	name   string
	client func() *http.Client
}{
	{"direct", func() *http.Client { return nil }},
	{"client", func() *http.Client {
		return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}},
}

// Whatever the event id, the signature covers the webhook-id the receiver
// reads, which is the id itself when a header carries it and otherwise
// derived from it, recoverably.
func TestSignatureCoversTheWebhookIDSent(t *testing.T) {
	verifier, err := whsign.NewSigner([]string{newSecret})
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		id       string
		verified bool
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get(whsign.HeaderID)
		ts, _ := strconv.ParseInt(r.Header.Get(whsign.HeaderTimestamp), 10, 64)
		sig := verifier.Sign(id, time.Unix(ts, 0), body) // one secret: one "v1,..."
		got <- seen{id, slices.Contains(strings.Fields(r.Header.Get(whsign.HeaderSignature)), sig)}
	}))
	defer srv.Close()
	for _, s := range senders {
		p, err := newPoster(WebhookConfig{URL: srv.URL, Secrets: []string{newSecret}}, s.client())
		if err != nil || (p.direct == nil) == (s.name == "direct") {
			t.Fatalf("%s: %v, direct %v", s.name, err, p.direct != nil)
		}
		for _, c := range awkwardIDs {
			a := p.attempt(context.Background(), message{ID: c.id, Type: "person", Version: 1, Body: []byte(`{}`)})
			if a.Err != nil {
				t.Errorf("%s, %s: %v", s.name, c.name, a.Err)
				continue
			}
			g := <-got
			back, err := whsign.EventID(g.id)
			switch {
			case !g.verified:
				t.Errorf("%s, %s: the signature does not verify against webhook-id %q", s.name, c.name, g.id)
			case (g.id != c.id) != c.derived:
				t.Errorf("%s, %s: webhook-id %q for event id %q", s.name, c.name, g.id, c.id)
			case err != nil || back != c.id:
				t.Errorf("%s, %s: webhook-id %q gives back %q, %v", s.name, c.name, g.id, back, err)
			}
		}
	}
}

// The spec's reference library verifies deliveries of every such id, by
// either way out, and takes a resend for a duplicate.
func TestAwkwardIDsVerifyWithTheReferenceLibrary(t *testing.T) {
	recv := whtest.Start(t, 0, newSecret)
	n := 0
	for _, s := range senders {
		w := newWebhook(t, WebhookConfig{URL: recv.URL + "/hook", Secrets: []string{newSecret}}, s.client())
		for _, c := range awkwardIDs {
			for range 2 {
				if err := w.Do(context.Background(), testEvent(c.id, `{}`)); err != nil {
					t.Errorf("%s, %s: %v", s.name, c.name, err)
				}
			}
		}
		closeOK(t, w)
		got := recv.Wait(t, 10*time.Second, "every delivery judged", func(d []whtest.Delivery) bool { return len(d) >= n+2*len(awkwardIDs) })
		for i, c := range awkwardIDs {
			d1, d2 := got[n+2*i], got[n+2*i+1]
			if !d1.OK || !d2.OK || d1.ID != whsign.WebhookID(c.id) || !d2.Dup {
				t.Errorf("%s, %s: judged %+v then %+v", s.name, c.name, d1, d2)
			}
		}
		n += 2 * len(awkwardIDs)
	}
}
