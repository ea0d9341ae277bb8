package natsbus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// WebhookConfig is a webhook whose outbox is the stream.
type WebhookConfig struct {
	// Name names the endpoint; its consumer is "webhook-<Name>".
	Name string
	// URL is the receiver's, for Stats.
	URL string
	// Sender makes the attempts; Timeout is its per-attempt timeout.
	Sender  *action.Sender
	Timeout time.Duration
	// Schedule is the wait before each attempt (action.SvixSchedule
	// when empty); after the last fails, the message is terminated and
	// recorded in DeadLetter (when set).
	Schedule   []time.Duration
	DeadLetter *action.DeadLetter
	Observer   action.OutboxObserver
}

// headerEventID carries the event id (as headerID writes it), which
// becomes the webhook-id.
const headerEventID = "Schemagate-Event-Id"

var _ action.Action = (*Webhook)(nil)

// Webhook is a webhook delivered through JetStream. Do publishes the event
// on <prefix>.WEBHOOK.<name>.<type>.v<N> (upper case: no event type can
// say it) and returns once the stream holds it, as the nats action does. A
// durable consumer that every gateway shares delivers the stream to the
// receiver: at most one message unacknowledged at a time, so events go in
// stream order and two instances never send the same one at once; the
// message is acked after the receiver's 2xx and otherwise redelivered on
// the schedule. An instance that dies mid-attempt loses nothing: after the
// ack wait another instance gets the message.
type Webhook struct {
	b      *Bus
	cfg    WebhookConfig
	closed atomic.Bool
	stop   context.CancelFunc
	done   chan struct{}
	once   sync.Once

	mu          sync.Mutex // guards this instance's last outcomes
	lastSuccess time.Time
	lastError   string
	lastErrorAt time.Time
}

// Webhook starts the endpoint's consumer and returns its action.
func (b *Bus) Webhook(cfg WebhookConfig) *Webhook {
	if len(cfg.Schedule) == 0 {
		cfg.Schedule = action.SvixSchedule()
	}
	ctx, stop := context.WithCancel(context.Background())
	w := &Webhook{b: b, cfg: cfg, stop: stop, done: make(chan struct{})}
	go w.run(ctx)
	return w
}

func (w *Webhook) subjectRoot() string { return w.b.cfg.SubjectPrefix + ".WEBHOOK." + w.cfg.Name }

// Do publishes ev for delivery and waits for the stream's ack.
func (w *Webhook) Do(ctx context.Context, ev event.Event) error {
	if w.closed.Load() {
		return status.Unavailable(nil, "webhook "+w.cfg.Name+" is closed")
	}
	subject := w.subjectRoot() + "." + ev.Key.Type + ".v" + strconv.Itoa(ev.Key.Version)
	// The id is the endpoint's own, so that the nats action's copy of the
	// same event is not taken for a duplicate of this one.
	id := headerID(ev.ID)
	return w.b.publish(ctx, subject, nats.Header{headerEventID: []string{id}}, "webhook-"+w.cfg.Name+"-"+id, ev)
}

// Close stops this instance's deliveries; a message it held is
// redelivered (here at the next start, or by another instance).
func (w *Webhook) Close(ctx context.Context) error {
	w.once.Do(func() {
		w.closed.Store(true)
		w.stop()
	})
	select {
	case <-w.done:
		w.cfg.Sender.Close()
		return nil
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "webhook "+w.cfg.Name+" still delivering")
	}
}

// run binds the consumer, retrying while NATS is away, and delivers.
func (w *Webhook) run(ctx context.Context) {
	defer close(w.done)
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		cons, err := w.consumer(ctx)
		if err == nil {
			pause = 100 * time.Millisecond
			err = w.deliver(ctx, cons)
		}
		if ctx.Err() != nil {
			return
		}
		w.b.log.Warn("webhook through nats: consumer trouble; retrying", "endpoint", w.cfg.Name, "err", err, "in", pause.String())
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

func (w *Webhook) consumer(ctx context.Context) (jetstream.Consumer, error) {
	actx, cancel := context.WithTimeout(ctx, w.b.cfg.PublishTimeout)
	defer cancel()
	if err := w.b.ensure(actx); err != nil {
		return nil, err
	}
	cfg := jetstream.ConsumerConfig{
		Durable:       "webhook-" + w.cfg.Name,
		Description:   "schemagate webhook " + w.cfg.Name + ": one message in flight, acked after the receiver's 2xx",
		FilterSubject: w.subjectRoot() + ".>",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		// Longer than an attempt, so the message never goes to a second
		// instance while the first still sends it.
		AckWait:       w.cfg.Timeout + 10*time.Second,
		MaxAckPending: 1,
	}
	cons, err := w.b.js.Consumer(actx, w.b.cfg.Stream, w.consumerName())
	switch {
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		// Create only: had another gateway created it meanwhile and a 410
		// paused it, an update would resume it. Exists is retried by run,
		// which then finds it.
		return w.b.js.CreateConsumer(actx, w.b.cfg.Stream, cfg)
	case err != nil:
		return nil, err // unknown state: writing could undo a pause
	case sameSettings(cons.CachedInfo().Config, cfg):
		return cons, nil
	}
	keepState(cons.CachedInfo().Config, &cfg)
	return w.b.js.UpdateConsumer(actx, w.b.cfg.Stream, cfg)
}

// deliver fetches one message at a time until ctx ends or fetching fails.
func (w *Webhook) deliver(ctx context.Context, cons jetstream.Consumer) error {
	for ctx.Err() == nil {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return err
		}
		for m := range batch.Messages() {
			w.handle(ctx, m)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	return nil
}

// handle makes one attempt at m and acks, delays or terminates it.
func (w *Webhook) handle(ctx context.Context, m jetstream.Msg) {
	typ, version := w.keyOf(m.Subject())
	id := eventIDOf(m.Headers().Get(headerEventID))
	start := time.Now()
	r := w.cfg.Sender.Send(ctx, id, typ, version, m.Data())
	if r.Canceled {
		// Closing: another instance, or the next start, sends it. JetStream
		// counts this redelivery in NumDelivered like any other, so a
		// shutdown costs the event one scheduled attempt; not counting it
		// would need our own attempt count in a header, not worth it here.
		_ = m.Nak()
		return
	}
	if w.cfg.Observer != nil {
		w.cfg.Observer.WebhookAttempt(w.cfg.Name, r.Outcome, time.Since(start))
	}
	if r.Err == nil {
		w.mu.Lock()
		w.lastSuccess = start.UTC()
		w.mu.Unlock()
		if err := m.DoubleAck(ctx); err != nil {
			w.b.log.Warn("webhook through nats: delivered but the ack was lost; it will be sent again", "endpoint", w.cfg.Name, "id", id, "err", err)
		}
		if meta, err := m.Metadata(); err == nil && w.cfg.Observer != nil {
			w.cfg.Observer.WebhookDelivered(w.cfg.Name, time.Since(meta.Timestamp))
		}
		return
	}
	if r.Code == http.StatusGone {
		// The receiver says the endpoint is gone: stop every gateway's
		// delivery, keep the event, and send it first once re-enabled.
		w.disable(ctx, fmt.Sprintf("HTTP 410 Gone at %s", start.UTC().Format(time.RFC3339)))
		_ = m.Nak()
		return
	}
	w.mu.Lock()
	w.lastError, w.lastErrorAt = r.Err.Error(), start.UTC()
	w.mu.Unlock()
	n := 1
	if meta, err := m.Metadata(); err == nil {
		n = int(meta.NumDelivered)
	}
	if n >= len(w.cfg.Schedule) {
		w.exhausted(ctx, m, id, n, action.Attempt{At: start.UTC(), Code: r.Code, Error: r.Err.Error()})
		return
	}
	_ = m.NakWithDelay(max(w.cfg.Schedule[n], r.RetryAfter))
}

// exhausted ends an event that failed every scheduled attempt. The dead
// letter is written before the message is terminated: were the write to
// fail after Term, the event would be gone from everywhere. So a failed
// write keeps the message, which comes back after the last step's delay.
func (w *Webhook) exhausted(ctx context.Context, m jetstream.Msg, id string, n int, last action.Attempt) {
	if w.cfg.DeadLetter != nil {
		if err := w.cfg.DeadLetter.RecordUndelivered(ctx, w.cfg.Name, m.Data(), []action.Attempt{last}); err != nil {
			w.b.log.Error("webhook event not delivered and the dead letter write failed; keeping it", "endpoint", w.cfg.Name, "id", id, "attempts", n, "err", err)
			_ = m.NakWithDelay(w.cfg.Schedule[len(w.cfg.Schedule)-1])
			return
		}
	}
	_ = m.Term()
	if w.cfg.Observer != nil {
		w.cfg.Observer.WebhookDead(w.cfg.Name)
	}
	w.b.log.Warn("webhook event not delivered after every scheduled attempt; terminated", "endpoint", w.cfg.Name, "id", id, "attempts", n)
}

// keyOf reads type and version from <prefix>.WEBHOOK.<name>.<type>.v<N>.
func (w *Webhook) keyOf(subject string) (string, int) {
	rest := strings.TrimPrefix(subject, w.subjectRoot()+".")
	i := strings.LastIndex(rest, ".v")
	if i <= 0 {
		return rest, 0
	}
	v, _ := strconv.Atoi(rest[i+2:])
	return rest[:i], v
}
