package natsbus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/status"
)

// What the bbolt outbox keeps in its file, a NATS webhook keeps on the
// NATS server, so that every gateway sees the same: a 410 pauses the
// shared durable consumer (JetStream's consumer pause) and notes why in
// its metadata; enabling resumes it. Delivered and terminated (dead)
// messages stay in the stream, as far as its limits keep them: that is
// the history a replay publishes again. Last success and last error are
// this instance's own; the backlog and the oldest undelivered event are
// the consumer's, shared.

// metaDisabled is the consumer metadata key that holds why a 410 paused
// the endpoint.
const metaDisabled = "schemagate-disabled"

// pausedUntil is how long a 410 pauses the consumer: until an operator
// resumes it.
var pausedUntil = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

func (w *Webhook) consumerName() string { return "webhook-" + w.cfg.Name }

// sameSettings reports whether the consumer already has the settings a
// gateway gives it. Then a starting gateway binds it without writing: an
// update writes back the pause and its reason as read before it, so one
// racing an Enable (or a 410 on another gateway) would undo it. Only a
// change of settings (a new webhook timeout) still updates, and keeps
// that small window.
func sameSettings(old, want jetstream.ConsumerConfig) bool {
	return old.Durable == want.Durable && old.Description == want.Description &&
		old.FilterSubject == want.FilterSubject && old.DeliverPolicy == want.DeliverPolicy &&
		old.AckPolicy == want.AckPolicy && old.AckWait == want.AckWait && old.MaxAckPending == want.MaxAckPending
}

// keepState carries a 410's pause and its reason over into cfg, so that a
// gateway updating the consumer does not re-enable an endpoint that
// another one disabled.
func keepState(old jetstream.ConsumerConfig, cfg *jetstream.ConsumerConfig) {
	if why, ok := old.Metadata[metaDisabled]; ok {
		cfg.Metadata = map[string]string{metaDisabled: why}
	}
	cfg.PauseUntil = old.PauseUntil
}

// disable pauses the shared consumer for every gateway, then notes why.
func (w *Webhook) disable(ctx context.Context, why string) {
	w.mu.Lock()
	w.lastError, w.lastErrorAt = why, time.Now().UTC()
	w.mu.Unlock()
	w.b.log.Warn("webhook endpoint disabled; `schemagate webhooks enable` resumes it", "endpoint", w.cfg.Name, "why", why)
	if _, err := w.b.js.PauseConsumer(ctx, w.b.cfg.Stream, w.consumerName(), pausedUntil); err != nil {
		w.b.log.Error("webhook through nats: cannot pause the consumer after a 410; delivery goes on", "endpoint", w.cfg.Name, "err", err)
		return
	}
	if err := w.setReason(ctx, why); err != nil {
		w.b.log.Warn("webhook through nats: paused, but the reason was not recorded", "endpoint", w.cfg.Name, "err", err)
	}
}

// setReason stores why the endpoint is disabled ("" removes it).
func (w *Webhook) setReason(ctx context.Context, why string) error {
	cons, err := w.b.js.Consumer(ctx, w.b.cfg.Stream, w.consumerName())
	if err != nil {
		return err
	}
	cfg := cons.CachedInfo().Config
	if why == "" {
		delete(cfg.Metadata, metaDisabled)
	} else {
		if cfg.Metadata == nil {
			cfg.Metadata = map[string]string{}
		}
		cfg.Metadata[metaDisabled] = why
	}
	_, err = w.b.js.UpdateConsumer(ctx, w.b.cfg.Stream, cfg)
	return err
}

// Enable resumes an endpoint a 410 disabled, for every gateway; it
// reports whether it was.
func (w *Webhook) Enable(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, w.b.cfg.PublishTimeout)
	defer cancel()
	info, err := w.info(ctx)
	if err != nil {
		return false, err
	}
	_, was := info.Config.Metadata[metaDisabled]
	was = was || info.Paused
	if !was {
		return false, nil
	}
	if _, err := w.b.js.ResumeConsumer(ctx, w.b.cfg.Stream, w.consumerName()); err != nil {
		return false, status.Unavailable(err, "webhook "+w.cfg.Name+": NATS did not resume the consumer")
	}
	if err := w.setReason(ctx, ""); err != nil {
		return true, status.Unavailable(err, "webhook "+w.cfg.Name+": resumed, but the disabled note stays; enable again")
	}
	return true, nil
}

func (w *Webhook) info(ctx context.Context) (*jetstream.ConsumerInfo, error) {
	cons, err := w.b.js.Consumer(ctx, w.b.cfg.Stream, w.consumerName())
	if err != nil {
		return nil, status.Unavailable(err, "webhook "+w.cfg.Name+": its NATS consumer is not available")
	}
	return cons.Info(ctx)
}

// Stats is the endpoint as operators see it: the shared consumer's state
// and backlog, and this instance's last outcomes.
func (w *Webhook) Stats(ctx context.Context) (action.OutboxStats, error) {
	s := action.OutboxStats{Name: w.cfg.Name, URL: w.cfg.URL, Delivery: "nats"}
	w.mu.Lock()
	s.LastSuccess, s.LastError, s.LastErrorAt = w.lastSuccess, w.lastError, w.lastErrorAt
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, w.b.cfg.PublishTimeout)
	defer cancel()
	info, err := w.info(ctx)
	if err != nil {
		return s, err
	}
	s.Backlog = int64(info.NumPending) + int64(info.NumAckPending)
	if info.Paused || info.Config.Metadata[metaDisabled] != "" {
		s.Disabled = info.Config.Metadata[metaDisabled]
		if s.Disabled == "" {
			s.Disabled = "consumer paused"
		}
	}
	if s.Backlog > 0 {
		// The first message past the ack floor is the oldest not yet
		// delivered.
		if st, err := w.b.js.Stream(ctx, w.b.cfg.Stream); err == nil {
			m, err := st.GetMsg(ctx, info.AckFloor.Stream+1, jetstream.WithGetMsgSubject(w.subjectRoot()+".>"))
			if err == nil {
				s.Oldest = m.Time.UTC()
			}
		}
	}
	return s, nil
}

// Replay publishes again the endpoint's messages stored at or after
// since (zero: all the stream keeps) and, with id set, only that event;
// each id once, with its webhook-id, at the end of the stream, so the
// consumer delivers them after what waits already, with a fresh
// schedule. Delivered and terminated (dead) messages are both there, as
// long as the stream's limits keep them. It returns how many.
func (w *Webhook) Replay(ctx context.Context, since time.Time, id string) (int, error) {
	st, err := w.b.js.Stream(ctx, w.b.cfg.Stream)
	if err != nil {
		return 0, status.Unavailable(err, "NATS stream "+w.b.cfg.Stream+" is not available")
	}
	last := st.CachedInfo().State.LastSeq
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{w.subjectRoot() + ".>"}}
	if !since.IsZero() {
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	cons, err := w.b.js.OrderedConsumer(ctx, w.b.cfg.Stream, cfg)
	if err != nil {
		return 0, status.Unavailable(err, "webhook "+w.cfg.Name+": cannot read the stream's history")
	}
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	seen := map[string]bool{}
	for n := 0; ; {
		m, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
		if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages) {
			return n, nil // nothing more stored
		}
		if err != nil {
			return n, status.Unavailable(err, fmt.Sprintf("webhook %s: replay stopped after %d", w.cfg.Name, n))
		}
		meta, err := m.Metadata()
		if err != nil || meta.Sequence.Stream > last {
			return n, nil // what this replay itself published
		}
		evID := eventIDOf(m.Headers().Get(headerEventID))
		if (id == "" || evID == id) && !seen[evID] {
			seen[evID] = true
			if err := w.republish(ctx, m, nonce); err != nil {
				return n, err
			}
			n++
		}
		if meta.NumPending == 0 {
			return n, nil
		}
	}
}

// republish appends a stored message again, under a message id of its
// own (the stream's de-duplication would drop the original one). The event
// id header goes as stored, in headerID's form.
func (w *Webhook) republish(ctx context.Context, m jetstream.Msg, nonce string) error {
	evID := m.Headers().Get(headerEventID)
	msg := &nats.Msg{Subject: m.Subject(), Data: m.Data(), Header: nats.Header{headerEventID: []string{evID}}}
	ctx, cancel := context.WithTimeout(ctx, w.b.cfg.PublishTimeout)
	defer cancel()
	_, err := w.b.js.PublishMsg(ctx, msg, jetstream.WithMsgID("webhook-"+w.cfg.Name+"-"+evID+"-replay-"+nonce),
		jetstream.WithExpectStream(w.b.cfg.Stream))
	if err != nil {
		return status.Wrap(codes.Unavailable, err, "webhook "+w.cfg.Name+": replay could not publish "+evID)
	}
	return nil
}
