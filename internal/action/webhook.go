package action

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// WebhookConfig configures the webhook action.
type WebhookConfig struct {
	// URL receives one POST per event.
	URL string
	// Timeout bounds each attempt, the response body included; zero
	// means config.DefaultWebhookTimeout.
	Timeout time.Duration
	// Retries is how many times a transient failure is retried after the
	// first attempt.
	Retries int
	// Backoff is the wait before the first retry; it doubles after each
	// one until it passes a minute, and each wait is jittered over its
	// upper half so that many connections do not retry in step. Zero
	// means config.DefaultWebhookBackoff.
	Backoff time.Duration
	// Headers are set on every request, after the defaults, so they can
	// override Content-Type or Idempotency-Key.
	Headers map[string]string
	// Secrets, when any, sign every request the Standard Webhooks way
	// (whsign); all of them sign, so a receiver holding any one verifies.
	Secrets []string
}

var _ Action = (*Webhook)(nil)

// Webhook POSTs each event as the same JSON object the file sink writes as
// a line, with Content-Type application/json, the event id as webhook-id
// and Idempotency-Key (as whsign.WebhookID makes it header-safe), the
// event's type and version as webhook-event-type and
// webhook-event-version and, with secrets, the Standard Webhooks
// webhook-timestamp and webhook-signature. A 2xx answer means delivered.
// A network error, a timeout, 408, 429 or 5xx is retried with backoff,
// within Retries and ctx, and ends in UNAVAILABLE. Any other answer means the receiver refuses
// this event, which no resend fixes: FAILED_PRECONDITION, not retried.
type Webhook struct {
	cfg    WebhookConfig
	post   *poster
	closed atomic.Bool
}

// NewWebhook returns a webhook action that sends with a copy of client (a
// fresh one if nil); see newPoster. It fails only on a secret that is not
// one.
func NewWebhook(cfg WebhookConfig, client *http.Client) (*Webhook, error) {
	cfg.Backoff = config.OrDefault(cfg.Backoff, config.DefaultWebhookBackoff)
	cfg.Retries = max(cfg.Retries, 0)
	p, err := newPoster(cfg, client)
	if err != nil {
		return nil, err
	}
	return &Webhook{cfg: cfg, post: p}, nil
}

// accept is how both webhook actions take an event: a closed one (what
// names it) refuses it as UNAVAILABLE, so the client retries elsewhere;
// an open one makes it the message it delivers.
func accept(closed *atomic.Bool, what string, ev event.Event) (message, error) {
	if closed.Load() {
		return message{}, status.Unavailable(nil, what+" is closed")
	}
	return newMessage(ev)
}

// Do delivers ev, retrying transient failures. It returns nil once the
// receiver answered 2xx.
func (w *Webhook) Do(ctx context.Context, ev event.Event) error {
	msg, err := accept(&w.closed, "webhook", ev)
	if err != nil {
		return err
	}
	delay := w.cfg.Backoff
	for attempt := 0; ; attempt++ {
		retry, err := w.post.syncAttempt(ctx, msg)
		if err == nil {
			return nil
		}
		if !retry || attempt == w.cfg.Retries {
			return err
		}
		if werr := wait(ctx, jitter(delay)); werr != nil {
			return status.Unavailable(err, "gave up retrying the webhook: "+werr.Error())
		}
		if delay < time.Minute { // a cap that also keeps the doubling from overflowing
			delay *= 2
		}
	}
}

// wait sleeps for d unless ctx ends first, or would end before the next
// attempt could start.
func wait(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jitter spreads d over [d/2, d).
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half)
}

// Close refuses later events and drops idle connections. Deliveries in
// flight finish on their own.
func (w *Webhook) Close(context.Context) error {
	w.closed.Store(true)
	w.post.closeIdle()
	return nil
}
