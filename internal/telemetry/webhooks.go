package telemetry

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Webhooks are the outbox webhooks' metrics, per endpoint. Endpoints are
// action names from the configuration, so the series are a fixed set.
type Webhooks struct {
	attempts *prometheus.CounterVec
	took     *prometheus.HistogramVec
	delivery *prometheus.HistogramVec
	dead     *prometheus.CounterVec
	gauges   *webhookGauges
	// series holds, by endpoint, the *webhookSeries every delivery
	// touches, so that a delivery costs one lookup rather than a label
	// hash and lookup per metric.
	series sync.Map
}

// webhookSeries are an endpoint's series that each delivery updates.
type webhookSeries struct {
	delivered prometheus.Counter // attempts with outcome delivered
	took      prometheus.Observer
	delivery  prometheus.Observer
}

// of returns endpoint's series, made (and so exported) at first use.
func (w *Webhooks) of(endpoint string) *webhookSeries {
	if s, ok := w.series.Load(endpoint); ok {
		return s.(*webhookSeries)
	}
	s, _ := w.series.LoadOrStore(endpoint, &webhookSeries{
		delivered: w.attempts.WithLabelValues(endpoint, "delivered"),
		took:      w.took.WithLabelValues(endpoint),
		delivery:  w.delivery.WithLabelValues(endpoint),
	})
	return s.(*webhookSeries)
}

func newWebhooks(reg prometheus.Registerer) *Webhooks {
	w := &Webhooks{
		attempts: newCounterVec(reg, "schemagate_webhook_attempts_total",
			"Delivery attempts of outbox webhooks, by endpoint and outcome (delivered, http_error, unreachable, timeout, gone).",
			"endpoint", "outcome"),
		took: newHistogramVec(reg, "schemagate_webhook_attempt_seconds",
			"Time one delivery attempt took, by endpoint.",
			prometheus.ExponentialBuckets(0.001, 4, 8), "endpoint"),
		delivery: newHistogramVec(reg, "schemagate_webhook_delivery_seconds",
			"Time from an event's ack to its delivery, by endpoint.",
			prometheus.ExponentialBuckets(0.001, 8, 10), "endpoint"),
		dead: newCounterVec(reg, "schemagate_webhook_dead_total",
			"Events given up on, by endpoint: every scheduled attempt failed, or the outbox lost or could not decode the event's line (both logged at ERROR).",
			"endpoint"),
		gauges: register(reg, &webhookGauges{
			backlog: prometheus.NewDesc("schemagate_webhook_backlog",
				"Events acknowledged and not yet delivered, by endpoint.", []string{"endpoint"}, nil),
			oldest: prometheus.NewDesc("schemagate_webhook_oldest_undelivered_seconds",
				"Age of the oldest event not yet delivered (0 when none), by endpoint.", []string{"endpoint"}, nil),
		}),
	}
	return w
}

// WebhookAttempt counts one attempt and its duration.
func (w *Webhooks) WebhookAttempt(endpoint, outcome string, took time.Duration) {
	s := w.of(endpoint)
	if outcome == "delivered" {
		s.delivered.Inc()
	} else {
		w.attempts.WithLabelValues(endpoint, outcome).Inc()
	}
	s.took.Observe(took.Seconds())
}

// WebhookDelivered observes an event's time from ack to delivery.
func (w *Webhooks) WebhookDelivered(endpoint string, sinceAck time.Duration) {
	w.of(endpoint).delivery.Observe(sinceAck.Seconds())
}

// WebhookDead counts an event given up on.
func (w *Webhooks) WebhookDead(endpoint string) { w.dead.WithLabelValues(endpoint).Inc() }

// Watch exports endpoint's backlog and oldest undelivered event, read from
// stats at each scrape.
func (w *Webhooks) Watch(endpoint string, stats func() (backlog int64, oldest time.Time)) {
	w.gauges.mu.Lock()
	defer w.gauges.mu.Unlock()
	// A reload that reopens an endpoint's outbox replaces its gauges'
	// source rather than adding a duplicate series.
	for i := range w.gauges.watched {
		if w.gauges.watched[i].endpoint == endpoint {
			w.gauges.watched[i].stats = stats
			return
		}
	}
	w.gauges.watched = append(w.gauges.watched, watched{endpoint, stats})
}

// webhookGauges reads the outboxes at scrape time, so the gauges cost
// nothing between scrapes.
type webhookGauges struct {
	backlog, oldest *prometheus.Desc
	mu              sync.Mutex
	watched         []watched
}

type watched struct {
	endpoint string
	stats    func() (int64, time.Time)
}

func (g *webhookGauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- g.backlog
	ch <- g.oldest
}

func (g *webhookGauges) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	ws := append([]watched(nil), g.watched...)
	g.mu.Unlock()
	for _, w := range ws {
		n, oldest := w.stats()
		age := 0.0
		if !oldest.IsZero() {
			age = time.Since(oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(g.backlog, prometheus.GaugeValue, float64(n), w.endpoint)
		ch <- prometheus.MustNewConstMetric(g.oldest, prometheus.GaugeValue, age, w.endpoint)
	}
}
