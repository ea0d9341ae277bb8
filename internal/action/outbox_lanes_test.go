package action

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/event"
)

// With order: type, a receiver refusing one type holds back that type
// alone: the other's events all arrive meanwhile (with one lane they
// would wait behind the first refused event for ever), and each type's
// events arrive in their own order.
func TestOutboxLanesByType(t *testing.T) {
	var hp atomic.Pointer[hookServer]
	h, srv := startHook(t, func(id string, n int) (int, string) {
		if strings.HasPrefix(id, "stuck-") && (hp.Load() == nil || !slices.Contains(hp.Load().delivered(), "free-4")) {
			return http.StatusServiceUnavailable, ""
		}
		return http.StatusNoContent, ""
	})
	hp.Store(h)
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db"),
		Order: OrderType, Concurrency: 8, Schedule: append([]time.Duration{0}, slices.Repeat([]time.Duration{50 * time.Millisecond}, 100)...)})
	defer closeOK(t, o)
	stuck, free := "person", otherLaneType(t, o, "person")
	send := func(id, typ string) {
		ev := testEvent(id, `{}`)
		ev.Key = event.Key{Type: typ, Version: 1}
		if err := o.Do(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		send(fmt.Sprintf("stuck-%d", i), stuck)
		send(fmt.Sprintf("free-%d", i), free)
	}
	waitFor(t, "everything delivered", func() bool { return len(h.delivered()) == 10 })
	var stuckOrder, freeOrder []string
	for _, id := range h.delivered() {
		if strings.HasPrefix(id, "stuck-") {
			stuckOrder = append(stuckOrder, id)
		} else {
			freeOrder = append(freeOrder, id)
		}
	}
	if !slices.IsSorted(stuckOrder) || !slices.IsSorted(freeOrder) {
		t.Fatalf("order within a type lost: %v %v", stuckOrder, freeOrder)
	}
}

// otherLaneType is an event type whose lane is not typ's.
func otherLaneType(t *testing.T, o *Outbox, typ string) string {
	t.Helper()
	for _, cand := range []string{"order.placed", "invoice", "user", "audit", "echo", "signup", "refund"} {
		if o.laneOf(message{Type: cand}) != o.laneOf(message{Type: typ}) {
			return cand
		}
	}
	t.Fatal("no type found in another lane")
	return ""
}

// segmentBytes is the size of the outbox's log segments on disk.
func segmentBytes(t *testing.T, path string) int64 {
	t.Helper()
	segs, err := segments(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, s := range segs {
		if fi, err := os.Stat(segPath(path, s)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// One lane's head waiting for a retry keeps its own segment, not every
// later one: with the other lanes delivering, the log on disk stays
// within max_bytes and a segment or two, however much passes through.
func TestOutboxStuckLaneKeepsOnlyItsSegment(t *testing.T) {
	h, srv := startHook(t, func(id string, n int) (int, string) {
		if strings.HasPrefix(id, "stuck-") {
			return http.StatusServiceUnavailable, ""
		}
		return http.StatusNoContent, ""
	})
	path := filepath.Join(t.TempDir(), "o.db")
	const maxBytes = 16 << 10
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: path, MaxBytes: maxBytes, Sync: SyncNever,
		Order: OrderType, Concurrency: 8, History: -1, Schedule: []time.Duration{0, time.Hour}})
	defer closeOK(t, o)
	stuck, free := "person", otherLaneType(t, o, "person")
	send := func(id, typ string) {
		ev := testEvent(id, `{"pad":"0123456789012345678901234567890123456789"}`)
		ev.Key = event.Key{Type: typ, Version: 1}
		if err := o.Do(context.Background(), ev); err != nil {
			t.Fatalf("Do %s: %v", id, err)
		}
	}
	send("stuck-0", stuck)
	const n = 1500 // about ten times max_bytes of lines
	for i := range n {
		send(fmt.Sprintf("free-%05d", i), free)
		if i%40 == 0 {
			waitFor(t, "caught up", func() bool { return o.Stats().Backlog <= 1 })
		}
	}
	waitFor(t, "free delivered", func() bool { return len(h.delivered()) == n })
	const bound = maxBytes + 2*maxBytes/4 // max_bytes, the stuck lane's segment and the current one
	waitFor(t, "segments within max_bytes and two segments", func() bool {
		return segmentBytes(t, path) <= bound
	})
}
