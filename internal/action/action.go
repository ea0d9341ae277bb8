// Package action delivers accepted events to where they go (a log, an
// append-only file, a webhook) and records rejected frames in a dead letter
// file.
//
// Its one promise: an action returns nil only once the event is as durable
// as that action says, because the gateway acknowledges an event to its
// client on that nil and nothing acknowledged may be lost. A failure a retry
// may fix (a full disk, a webhook that is down or slow, a deadline) comes
// back as status.Unavailable: the client got no ack and may resend.
//
// A resend can duplicate an event that reached its sink after all: a line
// written after its caller stopped waiting, a webhook that answered after
// the attempt timed out. Consumers therefore de-duplicate by event id; the
// webhook sends the id as Idempotency-Key to make that easy.
package action

import (
	"context"

	"github.com/schemagate/schemagate/internal/event"
)

// Action delivers accepted events somewhere.
type Action interface {
	// Do delivers ev. It must be safe for concurrent use, and it returns
	// nil only once the event is as durable as the action promises.
	Do(ctx context.Context, ev event.Event) error
	// Close flushes what is buffered and releases the action's resources.
	// Do after Close fails with UNAVAILABLE.
	Close(ctx context.Context) error
}
