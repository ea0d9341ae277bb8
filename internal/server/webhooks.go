package server

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/natsbus"
	"github.com/schemagate/schemagate/internal/status"
)

// webhookEndpoint is a webhook action as the admin API sees it: an outbox
// to list, replay and enable, or a sync webhook with nothing to show but
// its URL.
type webhookEndpoint struct {
	url      string
	delivery string           // sync, outbox, nats
	outbox   *action.Outbox   // nil unless delivery: outbox
	stream   *natsbus.Webhook // nil unless delivery: nats
}

// buildWebhook opens a webhook action: sync, or delivered from its outbox,
// and records it in endpoints (its generation's, for the admin API).
func (a *app) buildWebhook(name string, w config.Webhook, dead *action.DeadLetter, endpoints map[string]webhookEndpoint) (action.Action, error) {
	wc := action.WebhookConfig{URL: w.URL, Timeout: w.Timeout, Retries: w.Retries,
		Backoff: w.Backoff, Headers: w.Headers, Secrets: w.SigningSecrets}
	switch w.Delivery {
	case "outbox":
	case "nats":
		sender, err := action.NewSender(wc)
		if err != nil {
			return nil, err
		}
		nw := a.bus.Webhook(natsbus.WebhookConfig{Name: name, URL: w.URL, Sender: sender, Timeout: w.Timeout,
			Schedule: w.Outbox.Schedule, DeadLetter: dead, Observer: a.metrics.Webhooks()})
		a.metrics.Webhooks().Watch(name, func() (int64, time.Time) {
			// Read from NATS at scrape time; unknown reads as none.
			s, _ := nw.Stats(context.Background())
			return s.Backlog, s.Oldest
		})
		endpoints[name] = webhookEndpoint{url: w.URL, delivery: "nats", stream: nw}
		return nw, nil
	default:
		endpoints[name] = webhookEndpoint{url: w.URL, delivery: "sync"}
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
	endpoints[name] = webhookEndpoint{url: w.URL, delivery: "outbox", outbox: ob}
	return ob, nil
}

// webhookAdmin serves /v1/admin/webhooks from the webhook actions of the
// generation in force.
type webhookAdmin struct{ a *app }

func (w webhookAdmin) endpoints() map[string]webhookEndpoint { return w.a.gen.Load().webhooks }

var _ httpapi.Webhooks = webhookAdmin{}

// List is every webhook action, sorted by name: an outbox's stats, or a
// sync webhook's URL.
func (w webhookAdmin) List() any {
	endpoints := w.endpoints()
	names := slices.Sorted(maps.Keys(endpoints))
	out := make([]action.OutboxStats, 0, len(names))
	for _, n := range names {
		e := endpoints[n]
		switch {
		case e.outbox != nil:
			out = append(out, e.outbox.Stats())
		case e.stream != nil:
			s, err := e.stream.Stats(context.Background())
			if err != nil {
				s.LastError = "state unknown: " + err.Error()
			}
			out = append(out, s)
		default:
			out = append(out, action.OutboxStats{Name: n, URL: e.url, Delivery: e.delivery})
		}
	}
	return out
}

// replayable is what both outboxes, bbolt and NATS, offer operators.
type replayable interface {
	Replay(ctx context.Context, since time.Time, id string) (int, error)
	Enable(ctx context.Context) (bool, error)
}

func (w webhookAdmin) outbox(name string) (replayable, error) {
	e, ok := w.endpoints()[name]
	if !ok {
		return nil, status.Newf(codes.NotFound, "no webhook action named %q", name)
	}
	switch {
	case e.outbox != nil:
		return e.outbox, nil
	case e.stream != nil:
		return e.stream, nil
	}
	return nil, status.Newf(codes.FailedPrecondition, "webhook %q has delivery %s: only an outbox webhook can be replayed or enabled", name, e.delivery)
}

// Replay implements httpapi.Webhooks.
func (w webhookAdmin) Replay(ctx context.Context, name string, since time.Time, id string) (int, error) {
	o, err := w.outbox(name)
	if err != nil {
		return 0, err
	}
	return o.Replay(ctx, since, id)
}

// Enable implements httpapi.Webhooks.
func (w webhookAdmin) Enable(ctx context.Context, name string) (bool, error) {
	o, err := w.outbox(name)
	if err != nil {
		return false, err
	}
	return o.Enable(ctx)
}
