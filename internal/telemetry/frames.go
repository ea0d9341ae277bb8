package telemetry

import (
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// unknownLabel stands in for type and version when a frame named no loaded
// schema: those come from the client, and a label taken from client input
// would let anyone grow the series count without bound.
const unknownLabel = "unknown"

// numCodes covers the canonical gRPC codes, OK (0) to UNAUTHENTICATED (16).
const numCodes = int(codes.Unauthenticated) + 1

// series is one schema's pre-resolved children. Counters per code are
// resolved on first use rather than up front, so that a schema does not
// export seventeen zero series; each is resolved at most a few times (a
// race only repeats the same lookup) and then read with one atomic load.
type series struct {
	typ, ver string
	latency  interface{ Observe(float64) }
	frames   [numCodes]atomic.Pointer[counter]
}

// counter is the little part of prometheus.Counter the hot path needs.
type counter interface{ Inc() }

func (m *Metrics) newSeries(k event.Key) *series {
	s := &series{typ: k.Type, ver: strconv.Itoa(k.Version)}
	s.latency = m.latency.WithLabelValues(s.typ, s.ver)
	// Pre-create the outcomes every schema sees, so their first increase
	// shows in rate() instead of being the series' first sample.
	m.counter(s, codes.OK)
	m.counter(s, codes.InvalidArgument)
	return s
}

func (m *Metrics) newUnknownSeries() *series {
	s := &series{typ: unknownLabel, ver: unknownLabel}
	s.latency = m.latency.WithLabelValues(s.typ, s.ver)
	m.counter(s, codes.InvalidArgument)
	m.counter(s, codes.NotFound)
	return s
}

// counter returns s's counter for code c, resolving it on first use.
func (m *Metrics) counter(s *series, c codes.Code) counter {
	if int(c) >= numCodes {
		return m.frames.WithLabelValues(s.typ, s.ver, status.CodeName(c))
	}
	if p := s.frames[c].Load(); p != nil {
		return *p
	}
	var ctr counter = m.frames.WithLabelValues(s.typ, s.ver, status.CodeName(c))
	s.frames[c].Store(&ctr)
	return ctr
}

// Observe records one frame's outcome; it implements pipeline.Observer.
// Known is false when the key came from the client and names no schema.
func (m *Metrics) Observe(key event.Key, known bool, code codes.Code, elapsed time.Duration) {
	s := m.unknown
	if known {
		if ks, ok := m.keys[key]; ok {
			s = ks
		} else {
			// A schema New was not told about; still a server-side key, so
			// safe as a label, only slower.
			s = &series{typ: key.Type, ver: strconv.Itoa(key.Version)}
			s.latency = m.latency.WithLabelValues(s.typ, s.ver)
		}
	}
	m.counter(s, code).Inc()
	s.latency.Observe(elapsed.Seconds())
}
