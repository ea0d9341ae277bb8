package httpapi

import (
	"net/http"
	"sync"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
)

// Observer hears what the API refuses and carries; telemetry implements
// it. Reasons are a small fixed set, safe as metric labels: "host",
// "origin", "overloaded".
type Observer interface {
	HTTPRejected(reason string)
	// HTTPInflight adds to the requests and body bytes in flight
	// (negative when they finish).
	HTTPInflight(requests int, bytes int64)
}

type nopObserver struct{}

func (nopObserver) HTTPRejected(string)     {}
func (nopObserver) HTTPInflight(int, int64) {}

// Inflight caps the /v1/ requests served at once and the body bytes they
// may hold, so that many large or slow requests cannot take the memory of
// the process: past either cap a request gets 503 at once, before its body
// is read. One Inflight may be shared by the APIs a reload builds one after
// another (Options.Inflight), so that the caps hold across them.
type Inflight struct {
	maxRequests int   // 0: no cap
	maxBytes    int64 // 0: no cap
	mu          sync.Mutex
	requests    int
	bytes       int64
}

// NewInflight caps requests and body bytes in flight (0: no cap).
func NewInflight(requests int, bytes int64) *Inflight {
	return &Inflight{maxRequests: requests, maxBytes: bytes}
}

// Requests is how many requests hold a reservation now.
func (l *Inflight) Requests() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests
}

// acquire reserves a request and n body bytes, or reports false.
func (l *Inflight) acquire(n int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if (l.maxRequests > 0 && l.requests >= l.maxRequests) ||
		(l.maxBytes > 0 && l.requests > 0 && l.bytes+n > l.maxBytes) {
		return false
	}
	l.requests++
	l.bytes += n
	return true
}

func (l *Inflight) release(n int64) {
	l.mu.Lock()
	l.requests--
	l.bytes -= n
	l.mu.Unlock()
}

// bodyReservation is what a request may hold of the byte budget: its
// declared length, or MaxBody when it declares none (chunked). A body
// declared larger than MaxBody is refused before this.
func (a *API) bodyReservation(r *http.Request) int64 {
	if r.Method != http.MethodPost {
		return 0
	}
	if r.ContentLength >= 0 {
		return r.ContentLength
	}
	return a.o.MaxBody
}

// admit reserves room for r; on false it has answered 503 with
// Retry-After. The returned func releases the reservation.
func (a *API) admit(w http.ResponseWriter, r *http.Request) (func(), bool) {
	n := a.bodyReservation(r)
	if !a.limit.acquire(n) {
		w.Header().Set("Retry-After", "1")
		a.reject(w, r, telemetry.RejectOverloaded, http.StatusServiceUnavailable,
			status.New(codes.Unavailable, "too many requests in flight; retry shortly"))
		return nil, false
	}
	a.o.Observer.HTTPInflight(1, n)
	return func() {
		a.limit.release(n)
		a.o.Observer.HTTPInflight(-1, -n)
	}, true
}

// Inflight is the number of /v1/ requests being served.
func (a *API) Inflight() int { return a.limit.Requests() }
