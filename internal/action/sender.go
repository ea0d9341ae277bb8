package action

import (
	"context"
	"net/http"
	"time"
)

// Sender makes single delivery attempts, signed and bounded as a
// webhook's, for an outbox kept elsewhere: the NATS stream, whose consumer
// decides on retries itself.
type Sender struct {
	p *poster
}

// NewSender sends to cfg.URL with cfg's timeout, headers and secrets;
// Retries and Backoff do not apply.
func NewSender(cfg WebhookConfig) (*Sender, error) {
	p, err := newPoster(cfg, &http.Client{})
	if err != nil {
		return nil, err
	}
	return &Sender{p: p}, nil
}

// SendResult is the outcome of one attempt.
type SendResult struct {
	// Outcome is delivered, http_error, unreachable, timeout or gone, as
	// in OutboxObserver.WebhookAttempt.
	Outcome string
	// Code is the HTTP status, 0 when none came back.
	Code int
	// Err says why it failed; nil when delivered.
	Err error
	// RetryAfter is the receiver's Retry-After, 0 if none.
	RetryAfter time.Duration
	// Canceled means ctx ended: the attempt says nothing of the receiver.
	Canceled bool
}

// Send POSTs one event's body with its headers.
func (s *Sender) Send(ctx context.Context, id, typ string, version int, body []byte) SendResult {
	a := s.p.attempt(ctx, message{ID: id, Type: typ, Version: version, Body: body})
	return SendResult{Outcome: outcomeOf(a), Code: a.Code, Err: a.Err, RetryAfter: a.RetryAfter, Canceled: a.Canceled}
}

// Close drops idle connections.
func (s *Sender) Close() { s.p.closeIdle() }
