package main

import (
	"net/http"
	"time"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/config"
)

// webhookEndpoint is a webhook action as the admin API sees it: an outbox
// to list, replay and enable, or a sync webhook with nothing to show but
// its URL.
type webhookEndpoint struct {
	url    string
	outbox *action.Outbox // nil for delivery: sync
}

// buildWebhook opens a webhook action: sync, or delivered from its outbox.
func (a *app) buildWebhook(name string, w config.Webhook, dead *action.DeadLetter) (action.Action, error) {
	wc := action.WebhookConfig{URL: w.URL, Timeout: w.Timeout, Retries: w.Retries,
		Backoff: w.Backoff, Headers: w.Headers, Secrets: w.SigningSecrets}
	if a.webhooks == nil {
		a.webhooks = map[string]webhookEndpoint{}
	}
	if w.Delivery != "outbox" {
		a.webhooks[name] = webhookEndpoint{url: w.URL}
		return action.NewWebhook(wc, &http.Client{})
	}
	o := w.Outbox
	ob, err := action.NewOutbox(action.OutboxConfig{
		Name: name, Webhook: wc, Path: o.Path, Sync: action.SyncPolicy(o.Sync), Interval: o.Interval,
		MaxBytes: o.MaxBytes, Schedule: o.Schedule, Order: o.Order, Concurrency: o.Concurrency, History: o.History,
		DeadLetter: dead, Observer: a.metrics.Webhooks(), Logger: a.logger,
	})
	if err != nil {
		return nil, err
	}
	a.metrics.Webhooks().Watch(name, func() (int64, time.Time) {
		s := ob.Stats()
		return s.Backlog, s.Oldest
	})
	a.webhooks[name] = webhookEndpoint{url: w.URL, outbox: ob}
	return ob, nil
}
