// Package drain is the wait every front door's Shutdown does: a graceful
// stop that blocks until the door owes nothing, bounded by the caller's
// context, so each door only says how it stops gently and how it gives up.
package drain

import "context"

// Wait runs stop in its own goroutine and returns nil once it has
// returned, or ctx's error as soon as ctx ends first; stop then keeps
// running, and done closes when it returns, for a caller that must not
// leave it behind.
func Wait(ctx context.Context, stop func()) (done <-chan struct{}, err error) {
	d := make(chan struct{})
	go func() { stop(); close(d) }()
	select {
	case <-d:
		return d, nil
	case <-ctx.Done():
		return d, ctx.Err()
	}
}
