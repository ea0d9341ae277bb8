package telemetry

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/schemagate/schemagate/internal/event"
)

// configGauges say what the gateway serves and how its last reload went,
// named as Prometheus names its own (prometheus_config_last_reload_*).
type configGauges struct {
	ok      prometheus.Gauge
	at      prometheus.Gauge
	schemas *prometheus.GaugeVec
}

func newConfigGauges(reg prometheus.Registerer) configGauges {
	g := configGauges{
		ok: newGauge(reg, "schemagate_config_last_reload_successful",
			"1 when the last reload (or the start) applied, 0 when it was refused and the previous configuration still serves."),
		at: newGauge(reg, "schemagate_config_last_reload_success_timestamp_seconds",
			"When the configuration in force was applied (the start, or the last successful reload), in Unix seconds."),
		schemas: newGaugeVec(reg, "schemagate_schemas_loaded",
			"1 for every schema (type and version) the gateway validates against now.",
			"type", "version"),
	}
	g.ok.Set(1)
	g.at.Set(float64(time.Now().UnixNano()) / 1e9)
	return g
}

// SetSchemas records the schemas in force, at the start and after each
// reload, as schemagate_schemas_loaded. (Frame series for a version added
// later are made on its first frame.) Calls must not overlap.
func (m *Metrics) SetSchemas(keys []event.Key) {
	m.config.schemas.Reset()
	for _, k := range keys {
		m.config.schemas.WithLabelValues(k.Type, strconv.Itoa(k.Version)).Set(1)
	}
}

// Reloaded records a reload's outcome: applied (ok) or refused.
func (m *Metrics) Reloaded(ok bool, at time.Time) {
	if !ok {
		m.config.ok.Set(0)
		return
	}
	m.config.ok.Set(1)
	m.config.at.Set(float64(at.UnixNano()) / 1e9)
}
