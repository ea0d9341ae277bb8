// Package telemetry is schemagate's Prometheus metrics: one registry per
// server (never the global one), the pipeline's frame counters and latency
// histogram, and the WebSocket connection gauges, served by one handler.
package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/schemagate/schemagate/internal/event"
)

// latencyBuckets span a small frame's validation (tens of microseconds) up
// to a slow webhook action (a second); beyond that the request timeout is
// the better signal.
func latencyBuckets() []float64 {
	return []float64{
		10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6,
		1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3,
		100e-3, 250e-3, 500e-3, 1,
	}
}

// Metrics owns a registry and every schemagate metric in it. It is safe for
// concurrent use; build it once per server with New.
type Metrics struct {
	reg *prometheus.Registry

	frames     *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	keyList    []event.Key
	transports map[string]*Frames // read-only after New
	grpc       grpcMetrics
	conns      prometheus.Gauge
	closed     reasons
	rejected   reasons
	polls      struct{ caught, parked prometheus.Counter }
	webhooks   *Webhooks
	http       httpMetrics
	rollout    *Rollout
	config     configGauges
}

// New builds the metrics for the schemas behind keys (the registry's key
// list). Their series are resolved here, once per front door, so that
// recording a frame never allocates: a pipeline holds each route's
// recorder (Frames.For) and looks nothing up; Observe does a map hit.
func New(keys []event.Key) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		reg: reg,
		frames: newCounterVec(reg, "schemagate_frames_total",
			"Frames handled by the pipeline, by schema, result code and front door (type and version are \"unknown\" when the frame named no loaded schema; transport is ws, http or grpc).",
			"type", "version", "code", "transport"),
		latency: newHistogramVec(reg, "schemagate_pipeline_seconds",
			"Time from a frame's receipt by its front door to its verdict: the door's checks of the frame (a WebSocket frame's UTF-8), decoding, validation, handler and actions; each item of an HTTP batch from when its turn came.",
			latencyBuckets(), "type", "version"),
		conns: newGauge(reg, "schemagate_connections", "Open WebSocket connections."),
		closed: newReasons(reg, "schemagate_connections_closed_total",
			"WebSocket connections closed, by reason.", closeReasons()),
		rejected: newReasons(reg, "schemagate_upgrades_rejected_total",
			"WebSocket upgrade requests refused, by reason.", upgradeReasons()),
		http: newHTTPMetrics(reg),
	}
	polls := newCounterVec(reg, "schemagate_ws_busy_polls_total",
		"Polls of a WebSocket socket after a reply (websocket.busy_poll), by outcome: caught (bytes came while polling, almost always the client's next frame: a wake-up saved) or parked (none came: the budget ran out, the server got busy or the connection is closing, and the reader parked after all).",
		"outcome")
	m.polls.caught, m.polls.parked = polls.WithLabelValues("caught"), polls.WithLabelValues("parked")
	m.keyList = keys
	m.transports = map[string]*Frames{}
	for _, t := range transports() {
		m.transports[t] = m.newFrames(t)
	}
	m.grpc = newGRPCMetrics(m.reg)
	m.config = newConfigGauges(m.reg)
	m.SetSchemas(keys)
	m.webhooks = newWebhooks(m.reg)
	m.rollout = newRollout(m.reg)
	return m
}

// Webhooks are the outbox webhooks' metrics.
func (m *Metrics) Webhooks() *Webhooks { return m.webhooks }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registerer lets other parts (a NATS action, say) add their collectors to
// the same registry instead of the global one.
func (m *Metrics) Registerer() prometheus.Registerer { return m.reg }

// Gatherer exposes the registry for tests and for embedding elsewhere.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }
