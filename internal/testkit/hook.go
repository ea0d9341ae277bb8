package testkit

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/schemagate/schemagate/internal/whsign"
)

// Hook is a webhook endpoint that a test scripts: it answers 410 Gone
// while gone (an endpoint that went away, which the gateway disables) and
// 204 otherwise, noting the webhook-id of every delivery it took.
type Hook struct {
	// URL is where it listens.
	URL string

	mu   sync.Mutex
	gone bool
	got  []string
}

// StartHook serves a Hook, gone from the start when gone is set, until the
// test ends.
func StartHook(t testing.TB, gone bool) *Hook {
	t.Helper()
	h := &Hook{gone: gone}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

func (h *Hook) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gone {
		w.WriteHeader(http.StatusGone)
		return
	}
	h.got = append(h.got, r.Header.Get(whsign.HeaderID))
	w.WriteHeader(http.StatusNoContent)
}

// SetGone makes the endpoint answer 410 Gone (gone) or take deliveries.
func (h *Hook) SetGone(gone bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gone = gone
}

// Delivered returns the webhook-ids of the deliveries taken, in order.
func (h *Hook) Delivered() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// Count is how many deliveries of id it took.
func (h *Hook) Count(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, g := range h.got {
		if g == id {
			n++
		}
	}
	return n
}
