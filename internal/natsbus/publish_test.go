package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/whsign"
)

func testEvent(id string) event.Event {
	return event.Event{ID: id, Key: event.Key{Type: "person", Version: 1}, Raw: []byte(`{"name":"John","age":30,"city":"New York"}`),
		Received: time.Now()}
}

func wantUnavailable(t *testing.T, err error) {
	t.Helper()
	var se *status.Error
	if !errors.As(err, &se) || se.Code != codes.Unavailable {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
}

func TestResendIsStoredOnce(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	p := connect(t, testConfig(s.ClientURL())).Publisher()
	ctx := context.Background()
	for i := range 3 { // the client resends c-1 twice, as after lost acks
		for _, id := range []string{"c-1", "c-2"} {
			if i > 0 && id == "c-2" {
				continue
			}
			if err := p.Do(ctx, testEvent(id)); err != nil {
				t.Fatalf("publish %s (try %d): %v", id, i+1, err)
			}
		}
	}
	ids := testkit.StoredIDs(t, s.ClientURL(), "EVENTS")
	if fmt.Sprint(ids) != "[c-1 c-2]" {
		t.Fatalf("stream holds %v, want [c-1 c-2]", ids)
	}
}

// Ids that a NATS header would flatten into one (CR/LF made spaces, outer
// spaces trimmed) are distinct events: the stream's de-duplication must
// not take the second for a resend of the first and drop it after its ack.
func TestIDsAHeaderWouldFlattenAreStoredApart(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	p := connect(t, testConfig(s.ClientURL())).Publisher()
	var want []string
	for _, id := range []string{"a\r\nb", "a  b", " c", "c"} {
		if err := p.Do(context.Background(), testEvent(id)); err != nil {
			t.Fatalf("publish %q: %v", id, err)
		}
		want = append(want, whsign.WebhookID(id))
	}
	if got := testkit.StoredIDs(t, s.ClientURL(), "EVENTS"); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Fatalf("stream holds message ids %q, want %q", got, want)
	}
}

func TestSubjectCarriesTypeAndVersion(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	b := connect(t, testConfig(s.ClientURL()))
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync("events.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil { // the server knows the subscription before the publish
		t.Fatal(err)
	}
	ev := testEvent("c-1")
	ev.Key = event.Key{Type: "order.placed", Version: 3}
	if err := b.Publisher().Do(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "events.order.placed.v3" || m.Header.Get(nats.MsgIdHdr) != "c-1" {
		t.Fatalf("subject %q, Nats-Msg-Id %q", m.Subject, m.Header.Get(nats.MsgIdHdr))
	}
	if _, err := b.Subject(event.Key{Type: "a..b", Version: 1}); status.From(err).Code != codes.FailedPrecondition {
		t.Fatalf("type a..b: %v", err)
	}
}

// TestOutageGivesUnavailableThenResumes stops NATS mid-run: no publish is
// acknowledged while it is down, Ready says so, and once it is back on the
// same store the flow resumes; every ack is a stored message and every
// stored message was acked.
func TestOutageGivesUnavailableThenResumes(t *testing.T) {
	s := natstest.RunRestartable(t)
	url := s.URL()
	b := connect(t, testConfig(url))
	p, ctx := b.Publisher(), context.Background()
	var acked []string
	send := func(id string) error {
		err := p.Do(ctx, testEvent(id))
		if err == nil {
			acked = append(acked, id)
		}
		return err
	}
	for i := range 20 {
		if err := send(fmt.Sprintf("a-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Stop()
	for i := range 10 {
		wantUnavailable(t, send(fmt.Sprintf("b-%d", i)))
	}
	wantUnavailable(t, b.Ready())

	s.Start()
	testkit.WaitFor(t, 10*time.Second, "Ready after restart", func() bool { return b.Ready() == nil })
	for i := range 20 {
		if err := send(fmt.Sprintf("c-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// The refused ones are resent, and the early ones once more: the
	// de-duplication window survived the restart.
	for i := range 10 {
		for _, id := range []string{fmt.Sprintf("b-%d", i), fmt.Sprintf("a-%d", i)} {
			if err := p.Do(ctx, testEvent(id)); err != nil {
				t.Fatal(err)
			}
		}
	}
	stored := testkit.StoredIDs(t, url, "EVENTS")
	if len(stored) != 50 {
		t.Fatalf("stored %d messages, want 50 (20 + 20 acked, 10 resent after refusal)", len(stored))
	}
	if len(acked) != 40 || fmt.Sprint(stored[:40]) != fmt.Sprint(acked) {
		t.Fatalf("acked %v\nstored %v", acked, stored)
	}
}

// TestSlowNATSTimesOut: a subject that something answers but no stream
// stores, so the request waits; past the publish timeout it is UNAVAILABLE.
func TestSlowNATSTimesOut(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	cfg := testConfig(s.ClientURL())
	cfg.SubjectPrefix = "slow" // the stream is created on slow.>
	// Created for certain before the next bus connects: were Connect's
	// one try to time out, that bus would create it on elsewhere.>.
	creator := connect(t, cfg)
	testkit.WaitFor(t, 30*time.Second, "the stream on slow.>", func() bool { return creator.Ready() == nil })
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := nc.Subscribe("elsewhere.>", func(*nats.Msg) {}); err != nil { // never answers
		t.Fatal(err)
	}
	nc.Flush()
	cfg.SubjectPrefix = "elsewhere" // publishes go where only the silent subscriber listens
	cfg.PublishTimeout = 200 * time.Millisecond
	b := connect(t, cfg)
	// The stream known before timing, so the one wait is the ack's.
	testkit.WaitFor(t, 30*time.Second, "the stream found", func() bool { return b.ensure(context.Background()) == nil })
	p := b.Publisher()
	start := time.Now()
	err = p.Do(context.Background(), testEvent("c-1"))
	wantUnavailable(t, err)
	// The answer names the timeout it waited for, and came no sooner; how
	// much later depends on the machine's load, so it is not asserted.
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("answered after %s, before the 200ms timeout", el)
	}
	if msg := status.From(err).Message; !strings.Contains(msg, "within 200ms") {
		t.Fatalf("message %q does not name the 200ms timeout", msg)
	}
}

func TestMissingStreamIsNotCreatedUnlessAllowed(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	cfg := testConfig(s.ClientURL())
	cfg.CreateStream = false
	b := connect(t, cfg)
	wantUnavailable(t, b.Ready())
	wantUnavailable(t, b.Publisher().Do(context.Background(), testEvent("c-1")))
	cfg.CreateStream = true
	// Another gateway, allowed to create it. Its Connect only tries once,
	// within the publish timeout, and may leave the creation to its first
	// Ready or Do (as on a loaded machine): wait for the stream to exist.
	creator := connect(t, cfg)
	testkit.WaitFor(t, 30*time.Second, "the creating gateway ready", func() bool { return creator.Ready() == nil })
	if err := b.Ready(); err != nil {
		t.Fatalf("stream exists now: %v", err)
	}
	if err := b.Publisher().Do(context.Background(), testEvent("c-1")); err != nil {
		t.Fatal(err)
	}
}
