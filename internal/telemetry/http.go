package telemetry

import "github.com/prometheus/client_golang/prometheus"

// Why an HTTP request was refused before it was routed.
const (
	RejectHost       = "host"       // 421: a Host the server does not answer to
	RejectOverloaded = "overloaded" // 503: http.max_inflight reached
)

func httpRejectReasons() []string {
	return []string{RejectHost, RejectOrigin, RejectOverloaded, ReasonOther}
}

// httpMetrics are the HTTP API's refusals and what it holds in flight.
type httpMetrics struct {
	rejected reasons
	requests prometheus.Gauge
	bytes    prometheus.Gauge
	// deadDropped sits here as the other limit the operator sets on
	// what clients can make the server hold.
	deadDropped prometheus.Counter
}

func newHTTPMetrics(reg prometheus.Registerer) httpMetrics {
	h := httpMetrics{
		rejected: newReasons(reg, "schemagate_http_rejected_total",
			"HTTP requests refused before routing, by reason.", httpRejectReasons()),
		requests: newGauge(reg, "schemagate_http_inflight_requests",
			"/v1/ requests being served (capped by http.max_inflight.requests)."),
		bytes: newGauge(reg, "schemagate_http_inflight_bytes",
			"Request body bytes reserved by /v1/ requests being served (capped by http.max_inflight.bytes)."),
		deadDropped: newCounter(reg, "schemagate_dead_letter_dropped_total",
			"Dead letter records dropped to keep it within dead_letter.max_bytes."),
	}
	return h
}

// HTTPRejected counts a request refused before routing; reason is
// RejectHost, RejectOrigin or RejectOverloaded.
func (m *Metrics) HTTPRejected(reason string) { m.http.rejected.inc(reason) }

// HTTPInflight adds to the requests and body bytes in flight.
func (m *Metrics) HTTPInflight(requests int, bytes int64) {
	m.http.requests.Add(float64(requests))
	m.http.bytes.Add(float64(bytes))
}

// DeadLetterDropped counts dead letter records dropped by its cap
// (dead_letter.max_bytes).
func (m *Metrics) DeadLetterDropped(records int) { m.http.deadDropped.Add(float64(records)) }
