package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/whsign"
)

var _ action.Action = (*Publisher)(nil)

// Publisher is the nats action: it publishes each event to JetStream on
// <prefix>.<type>.v<version>, with the event id as Nats-Msg-Id so that the
// stream stores a client's resend once (in its header-safe form, see
// headerID), and returns nil only after JetStream's ack, i.e. once the
// stream holds the event.
type Publisher struct {
	b      *Bus
	closed atomic.Bool
}

// Publisher returns a nats action over the bus; many may share it.
func (b *Bus) Publisher() *Publisher { return &Publisher{b: b} }

// Do publishes ev and waits for the ack, at most the publish timeout.
// NATS unreachable, slow or without the stream: UNAVAILABLE.
func (p *Publisher) Do(ctx context.Context, ev event.Event) error {
	if p.closed.Load() {
		return status.Unavailable(nil, "nats action is closed")
	}
	subject, err := p.b.Subject(ev.Key)
	if err != nil {
		return err
	}
	// A duplicate ack means the stream already holds this id: the resend
	// of an event whose first ack was lost. Acking it again is right.
	return p.b.publish(ctx, subject, nats.Header{}, headerID(ev.ID), ev)
}

// headerID is how an event id rides in a NATS header: as its webhook-id
// (whsign.WebhookID), which is the id itself unless a header cannot carry
// it. A NATS header turns CR and LF into spaces and trims outer spaces, so
// that "a\r\nb" and "a  b" would share a Nats-Msg-Id, the second acked and
// dropped as a resend of the first, and a webhook would send the flattened
// id. eventIDOf reads it back.
func headerID(id string) string { return whsign.WebhookID(id) }

// eventIDOf is the event id a header value written by headerID stands
// for; a value that does not decode (a message stored before ids were
// written so) is taken as it is.
func eventIDOf(v string) string {
	if id, err := whsign.EventID(v); err == nil {
		return id
	}
	return v
}

// publish stores ev's record on subject under msgID, JetStream's key for
// dropping resends, and waits for the stream's ack, at most the publish
// timeout.
func (b *Bus) publish(ctx context.Context, subject string, header nats.Header, msgID string, ev event.Event) error {
	body, err := action.RecordBody(ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
	defer cancel()
	if err := b.ensure(ctx); err != nil {
		return err
	}
	msg := &nats.Msg{Subject: subject, Data: body, Header: header}
	if _, err := b.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID), jetstream.WithExpectStream(b.cfg.Stream)); err != nil {
		return b.publishError(ctx, err)
	}
	return nil
}

// Close stops the action; the bus owns the connection and closes it.
func (p *Publisher) Close(context.Context) error {
	p.closed.Store(true)
	return nil
}

// Subject is where events of k are published: <prefix>.<type>.v<version>.
// A type with an empty dot-separated part cannot be a subject.
func (b *Bus) Subject(k event.Key) (string, error) {
	typ := k.Type
	if typ == "" || strings.HasPrefix(typ, ".") || strings.HasSuffix(typ, ".") || strings.Contains(typ, "..") {
		return "", status.Newf(codes.FailedPrecondition, "type %q cannot be a NATS subject", typ)
	}
	return b.cfg.SubjectPrefix + "." + typ + ".v" + strconv.Itoa(k.Version), nil
}

// publishError maps a failed publish to the client's error. Only an event
// too large for NATS is final; everything else may pass on a resend.
func (b *Bus) publishError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, nats.ErrMaxPayload):
		return status.Wrap(codes.FailedPrecondition, err, "event is larger than NATS max_payload")
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		return status.Unavailable(err, fmt.Sprintf("NATS did not acknowledge within %s", b.cfg.PublishTimeout))
	case errors.Is(err, jetstream.ErrNoStreamResponse):
		b.ensured.Store(false) // the stream may be gone; look again next time
		return status.Unavailable(err, "NATS stream "+b.cfg.Stream+" did not answer")
	}
	return status.Unavailable(err, "NATS is unavailable")
}
