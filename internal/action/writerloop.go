package action

import (
	"context"
	"sync"

	"github.com/schemagate/schemagate/internal/status"
)

// writerLoop is the life of a group-committing writer, which the file
// action and the webhook outbox share: producers queue work under mu
// (unless closed) and kick one writer goroutine, which commits all that is
// queued at once; stop marks the queue closed, so that nothing joins after
// the writer's last commit, wakes the writer and waits for it to finish.
// The owner's queue is guarded by mu too.
type writerLoop struct {
	mu      sync.Mutex
	closed  bool
	kick    chan struct{} // wakes the writer; capacity 1, so a kick neither blocks nor gets lost
	closing chan struct{} // closed by stop: the writer commits the rest and returns
	done    chan struct{} // closed by the writer when it has finished
	once    sync.Once
}

// init makes the channels; the owner calls it before starting the writer.
func (l *writerLoop) init() {
	l.kick = make(chan struct{}, 1)
	l.closing = make(chan struct{})
	l.done = make(chan struct{})
}

// wake tells the writer there is work, without waiting.
func (l *writerLoop) wake() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// stop closes the queue and tells the writer to finish, then waits for it;
// if ctx ends first, it returns UNAVAILABLE saying busy, and the writer
// finishes on its own. Calling it again waits anew.
func (l *writerLoop) stop(ctx context.Context, busy string) error {
	l.once.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		close(l.closing)
	})
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), busy)
	}
}
