package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Segments small enough to start many new ones: every acknowledged event
// of a run that delivered nothing (its first attempt an hour out) arrives
// after a restart, then the new run's, once each and in ack order, and
// with no history kept the delivered segments are gone.
func TestOutboxLogSegmentsAcrossRestart(t *testing.T) {
	h, srv := startHook(t, nil)
	path := filepath.Join(t.TempDir(), "o.db")
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, SegmentBytes: 400,
		Schedule: []time.Duration{time.Hour}, History: -1}
	o := openOutbox(t, cfg)
	ids := sendN(t, o, "r", 60)
	closeOK(t, o)

	cfg.Schedule = []time.Duration{0}
	o = openOutbox(t, cfg)
	defer closeOK(t, o)
	more := sendN(t, o, "s", 20)
	waitFor(t, "all delivered", func() bool { return len(h.delivered()) >= 80 && o.Stats().Backlog == 0 })
	want := strings.Join(append(ids, more...), ",")
	if got := strings.Join(h.delivered(), ","); got != want {
		t.Fatalf("delivered\n%s\nwant\n%s", got, want)
	}
	// A delivered segment goes once the sender's progress is committed
	// and the ingester next looks: after the deliveries, not with them.
	waitFor(t, "at most the last two segments left", func() bool {
		segs, err := segments(path)
		return err == nil && len(segs) <= 2
	})
}

// What a crash leaves in the log (lines never taken into bbolt, a torn
// last line that was never acknowledged) is delivered at the next start,
// the torn line dropped.
func TestOutboxLogLeftoversTaken(t *testing.T) {
	h, srv := startHook(t, nil)
	path := filepath.Join(t.TempDir(), "o.db")
	var lines []byte
	for i := range 3 {
		m, err := newMessage(testEvent(fmt.Sprintf("left-%d", i), `{"i":1}`))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, encodeLogLine(m, time.Now())...)
	}
	torn := lines[:len(lines)-5]
	if err := os.WriteFile(segPath(path, 1), lines, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(segPath(path, 2), torn, 0o600); err != nil {
		t.Fatal(err)
	}
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, History: -1})
	defer closeOK(t, o)
	waitFor(t, "delivered", func() bool { return len(h.delivered()) == 5 })
	if got := strings.Join(h.delivered(), ","); got != "left-0,left-1,left-2,left-0,left-1" {
		t.Fatalf("delivered %s", got)
	}
	waitFor(t, "only the fresh segment 3 left", func() bool {
		segs, _ := segments(path)
		return len(segs) == 1 && segs[0] == 3
	})
}

// The history is the log: delivered events stay in their segments, which
// a replay after a restart reads again, until max_bytes evicts the oldest
// and their segments go.
func TestOutboxHistoryKeepsSegments(t *testing.T) {
	h, srv := startHook(t, nil)
	path := filepath.Join(t.TempDir(), "o.db")
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, SegmentBytes: 400, MaxBytes: 1 << 20}
	o := openOutbox(t, cfg)
	ids := sendN(t, o, "h", 30)
	waitFor(t, "all delivered", func() bool { return len(h.delivered()) == 30 && o.Stats().Backlog == 0 })
	closeOK(t, o)
	kept, _ := segments(path)
	if len(kept) == 0 {
		t.Fatal("no segment left: the history's are gone")
	}

	o = openOutbox(t, cfg)
	n, err := o.Replay(context.Background(), time.Time{}, "")
	if err != nil || n != 30 {
		t.Fatalf("Replay after a restart: %d %v", n, err)
	}
	waitFor(t, "replayed", func() bool { return len(h.delivered()) == 60 })
	if got, want := strings.Join(h.delivered()[30:], ","), strings.Join(ids, ","); got != want {
		t.Fatalf("replayed\n%s\nwant\n%s", got, want)
	}
	closeOK(t, o)

	// Room for about ten events: the history's oldest go, and their
	// segments with them.
	m, err := newMessage(testEvent("h-000", `{"i":1}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxBytes = 10 * int64(len(encodeLogLine(m, time.Now())))
	o = openOutbox(t, cfg)
	defer closeOK(t, o)
	sendN(t, o, "k", 5)
	waitFor(t, "the history's segments removed", func() bool {
		segs, _ := segments(path)
		return len(h.delivered()) == 65 && len(segs) > 0 && segs[0] > kept[len(kept)-1]
	})
}

// Do builds its line in one buffer; it is the line encodeLogLine makes of
// the webhook's message, whatever the id and type hold.
func TestEventLogLineIsEncodeLogLine(t *testing.T) {
	at := time.Unix(1700000000, 123456789)
	for _, id := range []string{"e-1", "with \"quotes\" and\nnewline", strings.Repeat("long-", 40), "ünï"} {
		ev := testEvent(id, `{"i":1,"s":"<&>"}`)
		m, err := newMessage(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := eventLogLine(ev, at)
		if want := encodeLogLine(m, at); err != nil || string(got) != string(want) {
			t.Errorf("eventLogLine(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
}
