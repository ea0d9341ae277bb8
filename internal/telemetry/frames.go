package telemetry

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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

// The front doors, as the transport label names them.
const (
	TransportWebSocket = "ws"
	TransportHTTP      = "http"
	TransportGRPC      = "grpc"
)

// transports are the doors whose series New resolves up front.
func transports() []string { return []string{TransportWebSocket, TransportHTTP, TransportGRPC} }

// Frames counts the frames of one front door; it implements
// pipeline.Observer. Get it from Metrics.Transport.
type Frames struct {
	m         *Metrics
	transport string
	keys      map[event.Key]*series // read-only after newFrames, so lookups need no lock
	unknown   *series
}

// Transport is the frame observer of one front door (a Transport*
// constant), whose counts carry its name in the transport label.
func (m *Metrics) Transport(name string) *Frames {
	if f, ok := m.transports[name]; ok {
		return f
	}
	return m.newFrames(name) // a door New did not know: resolved now, not kept
}

func (m *Metrics) newFrames(transport string) *Frames {
	f := &Frames{m: m, transport: transport, keys: make(map[event.Key]*series, len(m.keyList))}
	for _, k := range m.keyList {
		f.keys[k] = f.newSeries(k)
	}
	f.unknown = f.newUnknownSeries()
	return f
}

// series is one schema's pre-resolved children for one door. Counters per
// code are resolved on first use rather than up front, so that a schema
// does not export seventeen zero series; each is resolved at most a few
// times (a race only repeats the same lookup) and then read with one
// atomic load.
type series struct {
	typ, ver, transport string
	vec                 *prometheus.CounterVec // the frames counter, for codes not resolved yet
	latency             interface{ Observe(float64) }
	frames              [numCodes]atomic.Pointer[counter]
}

// counter is the little part of prometheus.Counter the hot path needs.
type counter interface{ Inc() }

func (f *Frames) newSeries(k event.Key) *series {
	s := f.labelled(k.Type, strconv.Itoa(k.Version))
	// Pre-create the outcomes every schema sees, so their first increase
	// shows in rate() instead of being the series' first sample.
	s.counter(codes.OK)
	s.counter(codes.InvalidArgument)
	return s
}

func (f *Frames) newUnknownSeries() *series {
	s := f.labelled(unknownLabel, unknownLabel)
	s.counter(codes.InvalidArgument)
	s.counter(codes.NotFound)
	return s
}

// labelled is the series of type and version at f's door, with its
// latency child resolved and no counter yet.
func (f *Frames) labelled(typ, ver string) *series {
	s := &series{typ: typ, ver: ver, transport: f.transport, vec: f.m.frames}
	s.latency = f.m.latency.WithLabelValues(typ, ver)
	return s
}

// counter returns s's counter for code c, resolving it on first use.
func (s *series) counter(c codes.Code) counter {
	if int(c) >= numCodes {
		return s.vec.WithLabelValues(s.typ, s.ver, status.CodeName(c), s.transport)
	}
	if p := s.frames[c].Load(); p != nil {
		return *p
	}
	var ctr counter = s.vec.WithLabelValues(s.typ, s.ver, status.CodeName(c), s.transport)
	s.frames[c].Store(&ctr)
	return ctr
}

// observe records one frame's outcome in s.
func (s *series) observe(code codes.Code, elapsed time.Duration) {
	s.counter(code).Inc()
	s.latency.Observe(elapsed.Seconds())
}

// of is the series of a known key: resolved by New, or, for a schema New
// was not told about (still a server-side key, so safe as a label),
// resolved now.
func (f *Frames) of(key event.Key) *series {
	if s, ok := f.keys[key]; ok {
		return s
	}
	return f.labelled(key.Type, strconv.Itoa(key.Version))
}

// Observe records one frame's outcome; it implements pipeline.Observer.
// Known is false when the key came from the client and names no schema.
func (f *Frames) Observe(key event.Key, known bool, code codes.Code, elapsed time.Duration) {
	s := f.unknown
	if known {
		s = f.of(key)
	}
	s.observe(code, elapsed)
}

// For is what records the outcomes of frames of key, a schema's, at f's
// door; it implements pipeline.KeyedObserver. The pipeline asks once per
// route, so that a frame finds its series with no lookup by key.
func (f *Frames) For(key event.Key) func(codes.Code, time.Duration) { return f.of(key).observe }
