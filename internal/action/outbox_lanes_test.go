package action

import (
	"context"
	"fmt"
	"net/http"
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
	// Two types that land in different lanes of eight.
	stuck, free := "person", ""
	for _, cand := range []string{"order.placed", "invoice", "user", "audit", "echo", "signup", "refund"} {
		if o.laneOf(message{Type: cand}) != o.laneOf(message{Type: stuck}) {
			free = cand
			break
		}
	}
	if free == "" {
		t.Fatal("no type found in another lane")
	}
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
