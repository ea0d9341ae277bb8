package telemetry

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
)

// Rollout counts what routes with a candidate version or in shadow mode
// do; it implements pipeline.RolloutObserver. Keys come from the routes
// of the configuration, so the series are a fixed set, and each is
// resolved once and then found in a sync.Map.
type Rollout struct {
	compared *prometheus.CounterVec
	shadowed *prometheus.CounterVec
	skipped  *prometheus.CounterVec
	series   sync.Map // rolloutSeries -> prometheus.Counter
}

type rolloutSeries struct {
	key, candidate event.Key // candidate is zero for a shadow series
	outcome        candidate.Outcome
	skipped        bool
}

// counter is s's counter, made by mk the first time s is seen: the frame
// path then pays a map load, not the vector's label hashing and strconv.
func (r *Rollout) counter(s rolloutSeries, mk func() prometheus.Counter) prometheus.Counter {
	if c, ok := r.series.Load(s); ok {
		return c.(prometheus.Counter)
	}
	c, _ := r.series.LoadOrStore(s, mk())
	return c.(prometheus.Counter)
}

func newRollout(reg prometheus.Registerer) *Rollout {
	return &Rollout{
		compared: newCounterVec(reg, "schemagate_candidate_total",
			"Frames of a route with a candidate version, judged by both, by outcome (both_valid, both_invalid, only_old_valid: the candidate would reject it; only_new_valid).",
			"type", "version", "candidate", "outcome"),
		shadowed: newCounterVec(reg, "schemagate_shadow_invalid_total",
			"Invalid frames a route in shadow mode acknowledged and delivered (their reports are logged and dead-lettered).",
			"type", "version"),
		skipped: newCounterVec(reg, "schemagate_candidate_skipped_total",
			"Frames of a route with a candidate version that the candidate did not judge: its off-path queue was full, the data too large to copy, or the routes were being replaced.",
			"type", "version", "candidate"),
	}
}

// Rollout is the observer of candidate comparisons and shadowed frames.
func (m *Metrics) Rollout() *Rollout { return m.rollout }

// ObserveCandidate counts one comparison of key's version with cand.
func (r *Rollout) ObserveCandidate(key, cand event.Key, o candidate.Outcome) {
	r.counter(rolloutSeries{key: key, candidate: cand, outcome: o}, func() prometheus.Counter {
		return r.compared.WithLabelValues(key.Type, strconv.Itoa(key.Version), strconv.Itoa(cand.Version), o.String())
	}).Inc()
}

// ObserveCandidateSkipped counts one frame cand did not judge. Skips come
// in floods (a full queue under refused traffic), on the reply's path, so
// the series is cached like the others.
func (r *Rollout) ObserveCandidateSkipped(key, cand event.Key) {
	r.counter(rolloutSeries{key: key, candidate: cand, skipped: true}, func() prometheus.Counter {
		return r.skipped.WithLabelValues(key.Type, strconv.Itoa(key.Version), strconv.Itoa(cand.Version))
	}).Inc()
}

// ObserveShadow counts one invalid frame a shadow route let through.
func (r *Rollout) ObserveShadow(key event.Key) {
	r.counter(rolloutSeries{key: key}, func() prometheus.Counter {
		return r.shadowed.WithLabelValues(key.Type, strconv.Itoa(key.Version))
	}).Inc()
}
