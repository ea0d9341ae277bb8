// Package ratelimit is the per-connection rate limit every door applies
// alike: a token bucket over all of a connection's events, and a count of
// refusals in a row after which the connection is cut off.
package ratelimit

import (
	"sync/atomic"

	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// Config bounds the events of one connection: a bucket of Burst tokens
// refilled at PerSecond; a connection over it MaxViolations times in a row
// (0: never) is cut off. PerSecond 0 turns the limit off.
type Config struct {
	PerSecond     float64
	Burst         int
	MaxViolations int
}

// Bucket is one connection's limit. A nil Bucket allows everything. Its
// methods are safe for concurrent use (a gRPC connection's streams share
// one).
type Bucket struct {
	lim     *rate.Limiter
	max     int32
	strikes atomic.Int32
}

// New returns a connection's bucket, or nil when c turns the limit off.
func New(c Config) *Bucket {
	if c.PerSecond <= 0 {
		return nil
	}
	return &Bucket{lim: rate.NewLimiter(rate.Limit(c.PerSecond), c.Burst), max: int32(c.MaxViolations)}
}

// Allow takes a token for one event. over says the connection has now
// been over the limit MaxViolations times in a row and should be cut off.
func (b *Bucket) Allow() (ok, over bool) {
	if b == nil {
		return true, false
	}
	if b.lim.Allow() {
		b.strikes.Store(0)
		return true, false
	}
	n := b.strikes.Add(1)
	return false, b.max > 0 && n >= b.max
}

// Refused is the answer to an event over the limit, the same at every
// door.
func Refused() *status.Error {
	return status.New(codes.ResourceExhausted, "rate limit exceeded; slow down")
}
