package action

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// deadCounter is an OutboxObserver that counts events given up on.
type deadCounter struct{ dead atomic.Int64 }

func (*deadCounter) WebhookAttempt(string, string, time.Duration) {}
func (*deadCounter) WebhookDelivered(string, time.Duration)       {}
func (d *deadCounter) WebhookDead(string)                         { d.dead.Add(1) }

// A segment that lost lines the outbox points at (cut short by an OS
// crash under sync interval, or by an operator, or removed) costs those
// events and no others: the lane delivers what the segment still holds,
// counts the rest as dead, and goes on to what comes after.
func TestOutboxLostLinesSkipped(t *testing.T) {
	for _, c := range []struct {
		name      string
		damage    func(seg string) error
		delivered []string // of the five events before the damage
	}{
		{"cut short", func(seg string) error {
			fi, err := os.Stat(seg)
			if err != nil {
				return err
			}
			return os.Truncate(seg, fi.Size()-30)
		}, []string{"a-000", "a-001", "a-002", "a-003"}},
		{"removed", os.Remove, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var up atomic.Bool
			h, srv := startHook(t, func(string, int) (int, string) {
				if up.Load() {
					return http.StatusNoContent, ""
				}
				return http.StatusServiceUnavailable, ""
			})
			path := filepath.Join(t.TempDir(), "o.db")
			cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, Sync: SyncInterval, History: -1,
				Schedule: []time.Duration{time.Hour}}
			o := openOutbox(t, cfg)
			sendN(t, o, "a", 5)
			waitFor(t, "ingested", func() bool { return o.pending.Load() == 5 })
			closeOK(t, o)
			if err := c.damage(segPath(path, 1)); err != nil {
				t.Fatal(err)
			}
			up.Store(true)
			obs := &deadCounter{}
			cfg.Schedule, cfg.Observer = []time.Duration{0}, obs
			o = openOutbox(t, cfg)
			defer closeOK(t, o)
			want := append(slices.Clone(c.delivered), sendN(t, o, "b", 3)...)
			waitFor(t, "every event the log still holds delivered", func() bool {
				return slices.Equal(h.delivered(), want) && o.Stats().Backlog == 0
			})
			if got := obs.dead.Load(); got != int64(5-len(c.delivered)) {
				t.Errorf("%d events counted dead, want %d", got, 5-len(c.delivered))
			}
		})
	}
}

// A log line that cannot be decoded is skipped with a dead-letter record
// of its bytes, whether the sender (one lane) or the ingester (several)
// finds it, and the events around it are delivered.
func TestOutboxUnreadableLineToDeadLetter(t *testing.T) {
	for _, c := range []struct {
		name        string
		concurrency int
	}{{"one lane", 1}, {"several lanes", 4}} {
		t.Run(c.name, func(t *testing.T) {
			h, srv := startHook(t, nil)
			dir := t.TempDir()
			path := filepath.Join(dir, "o.db")
			var lines []byte
			for _, id := range []string{"before", "after"} {
				m, err := newMessage(testEvent(id, `{"i":1}`))
				if err != nil {
					t.Fatal(err)
				}
				lines = append(lines, encodeLogLine(m, time.Now())...)
				if id == "before" {
					lines = append(lines, "not,an,outbox,line\n"...)
				}
			}
			if err := os.WriteFile(segPath(path, 1), lines, 0o600); err != nil {
				t.Fatal(err)
			}
			dl, err := NewDeadLetter(DeadLetterConfig{FileConfig: FileConfig{Path: filepath.Join(dir, "dead.ndjson")}})
			if err != nil {
				t.Fatal(err)
			}
			defer closeOK(t, dl)
			o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, History: -1,
				Order: OrderNone, Concurrency: c.concurrency, DeadLetter: dl})
			defer closeOK(t, o)
			waitFor(t, "both readable events delivered", func() bool { return len(h.delivered()) == 2 })
			waitFor(t, "the unreadable line in the dead letter", func() bool {
				b, _ := os.ReadFile(filepath.Join(dir, "dead.ndjson"))
				return strings.Contains(string(b), `not,an,outbox,line`)
			})
		})
	}
}
