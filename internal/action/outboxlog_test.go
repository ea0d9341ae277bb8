package action

import (
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
// the taken segments are gone.
func TestOutboxLogSegmentsAcrossRestart(t *testing.T) {
	h, srv := startHook(t, nil)
	path := filepath.Join(t.TempDir(), "o.db")
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, SegmentBytes: 400,
		Schedule: []time.Duration{time.Hour}}
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
	segs, err := segments(path)
	if err != nil || len(segs) > 2 {
		t.Fatalf("segments left: %v %v", segs, err)
	}
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
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path})
	defer closeOK(t, o)
	waitFor(t, "delivered", func() bool { return len(h.delivered()) == 5 })
	if got := strings.Join(h.delivered(), ","); got != "left-0,left-1,left-2,left-0,left-1" {
		t.Fatalf("delivered %s", got)
	}
	if segs, _ := segments(path); len(segs) != 1 || segs[0] != 3 {
		t.Fatalf("segments %v, want only the fresh 3", segs)
	}
}
