package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// WebhookConfig configures the webhook action.
type WebhookConfig struct {
	// URL receives one POST per event.
	URL string
	// Timeout bounds each attempt, the response body included; zero
	// means five seconds.
	Timeout time.Duration
	// Retries is how many times a transient failure is retried after the
	// first attempt.
	Retries int
	// Backoff is the wait before the first retry; it doubles after each
	// one until it passes a minute, and each wait is jittered over its
	// upper half so that many connections do not retry in step. Zero
	// means 100ms.
	Backoff time.Duration
	// Headers are set on every request, after the defaults, so they can
	// override Content-Type or Idempotency-Key.
	Headers map[string]string
}

var _ Action = (*Webhook)(nil)

// Webhook POSTs each event as the same JSON object the file sink writes as
// a line, with Content-Type application/json and the event id as
// Idempotency-Key. A 2xx answer means delivered. A network error, a
// timeout, 408, 429 or 5xx is retried with backoff, within Retries and
// ctx, and ends in UNAVAILABLE. Any other answer means the receiver refuses
// this event, which no resend fixes: FAILED_PRECONDITION, not retried.
type Webhook struct {
	cfg    WebhookConfig
	client *http.Client
	closed atomic.Bool
}

// NewWebhook returns a webhook action that sends with a copy of client (a
// fresh one if nil). The copy follows only redirects that keep the method
// POST (307, 308): following a 301, 302 or 303 turns the POST into a GET
// without the event, whose 2xx would count as delivered.
func NewWebhook(cfg WebhookConfig, client *http.Client) *Webhook {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 100 * time.Millisecond
	}
	cfg.Retries = max(cfg.Retries, 0)
	c := &http.Client{}
	if client != nil {
		*c = *client
	}
	c.CheckRedirect = keepPost
	return &Webhook{cfg: cfg, client: c}
}

func keepPost(req *http.Request, via []*http.Request) error {
	if req.Method != http.MethodPost || len(via) >= 10 {
		return http.ErrUseLastResponse
	}
	return nil
}

// Do delivers ev, retrying transient failures. It returns nil once the
// receiver answered 2xx.
func (w *Webhook) Do(ctx context.Context, ev Event) error {
	if w.closed.Load() {
		return unavailable(nil, "webhook is closed")
	}
	line, err := EncodeRecord(ev)
	if err != nil {
		return err
	}
	body := line[:len(line)-1] // the line's "\n" is no part of a JSON body
	delay := w.cfg.Backoff
	for attempt := 0; ; attempt++ {
		retry, err := w.post(ctx, ev.ID, body)
		if err == nil {
			return nil
		}
		if !retry || attempt == w.cfg.Retries {
			return err
		}
		if werr := wait(ctx, jitter(delay)); werr != nil {
			return unavailable(err, "gave up retrying the webhook: "+werr.Error())
		}
		if delay < time.Minute { // a cap that also keeps the doubling from overflowing
			delay *= 2
		}
	}
}

// post makes one attempt and says whether a failure is worth retrying.
func (w *Webhook) post(ctx context.Context, id string, body []byte) (retry bool, err error) {
	actx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return false, status.Wrap(codes.FailedPrecondition, err, "webhook URL is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", id)
	for k, v := range w.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := w.client.Do(req)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return false, unavailable(err, "gave up delivering to the webhook")
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return true, unavailable(err, fmt.Sprintf("webhook did not answer within %s", w.cfg.Timeout))
	default:
		return true, unavailable(err, "webhook unreachable")
	}
	defer resp.Body.Close()
	// Reading the body lets the connection be reused; its start explains
	// a refusal in the logs.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return classify(resp.StatusCode, head)
}

// classify turns an HTTP answer into nil or an error, and whether a resend
// may succeed.
func classify(code int, body []byte) (retry bool, err error) {
	cause := fmt.Errorf("HTTP %d: %q", code, body)
	switch {
	case code >= 200 && code < 300:
		return false, nil
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return true, unavailable(cause, fmt.Sprintf("webhook answered %d; try again", code))
	default:
		return false, status.Wrap(codes.FailedPrecondition, cause, fmt.Sprintf("webhook refused the event with %d", code))
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
	w.client.CloseIdleConnections()
	return nil
}
