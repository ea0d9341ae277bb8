package telemetry_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/testkit"
)

// The pipeline and the ws package rely on these method sets.
var (
	_ pipeline.KeyedObserver = (*telemetry.Frames)(nil)
	_ interface {
		ConnOpened()
		ConnClosed(string)
		UpgradeRejected(string)
	} = (*telemetry.Metrics)(nil)
)

var person = event.Key{Type: "person", Version: 1}

func TestFramesCountedByKnownKeyAndCode(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, time.Millisecond)
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, time.Millisecond)
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.Unavailable, time.Millisecond)
	// A client-chosen key must never become a label.
	m.Transport(telemetry.TransportWebSocket).Observe(event.Key{Type: "evil", Version: 7}, false, codes.NotFound, time.Millisecond)
	m.Transport(telemetry.TransportWebSocket).Observe(event.Key{}, false, codes.InvalidArgument, time.Millisecond)
	m.Transport(telemetry.TransportGRPC).Observe(person, true, codes.InvalidArgument, time.Millisecond)

	want := framesWant([]event.Key{person}, map[string]int{
		"INVALID_ARGUMENT grpc person 1": 1, "INVALID_ARGUMENT ws unknown unknown": 1, "NOT_FOUND ws unknown unknown": 1,
		"OK ws person 1": 2, "UNAVAILABLE ws person 1": 1,
	})
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "schemagate_frames_total"); err != nil {
		t.Fatal(err)
	}
}

// framesWant is the exposition of schemagate_frames_total that
// GatherAndCompare expects: its HELP and TYPE lines, the series New creates
// before any frame (on every front door, INVALID_ARGUMENT and OK of each
// key it is given, INVALID_ARGUMENT and NOT_FOUND of frames naming no
// loaded schema), and the series in counts, keyed "CODE transport type
// version", with their values (an up-front series not in counts is 0).
func framesWant(keys []event.Key, counts map[string]int) string {
	series := map[string]int{}
	maps.Copy(series, counts)
	for _, transport := range []string{"grpc", "http", "ws"} {
		for _, code := range []string{"INVALID_ARGUMENT", "NOT_FOUND"} {
			series[code+" "+transport+" unknown unknown"] += 0
		}
		for _, k := range keys {
			for _, code := range []string{"INVALID_ARGUMENT", "OK"} {
				series[fmt.Sprintf("%s %s %s %d", code, transport, k.Type, k.Version)] += 0
			}
		}
	}
	var b strings.Builder
	b.WriteString(`# HELP schemagate_frames_total Frames handled by the pipeline, by schema, result code and front door (type and version are "unknown" when the frame named no loaded schema; transport is ws, http or grpc).
# TYPE schemagate_frames_total counter
`)
	for _, s := range slices.Sorted(maps.Keys(series)) {
		f := strings.Fields(s)
		fmt.Fprintf(&b, "schemagate_frames_total{code=%q,transport=%q,type=%q,version=%q} %d\n", f[0], f[1], f[2], f[3], series[s])
	}
	return b.String()
}

func TestLatencyHistogram(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, 30*time.Microsecond)
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.InvalidArgument, 2*time.Second)
	n, err := testutil.GatherAndCount(m.Gatherer(), "schemagate_pipeline_seconds")
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 { // person v1 and unknown
		t.Fatalf("histogram series = %d, want 2", n)
	}
	checkLines(t, m, []string{"schemagate_pipeline_seconds"},
		`schemagate_pipeline_seconds_bucket{type="person",version="1",le="1e-05"} 0`,
		`schemagate_pipeline_seconds_bucket{type="person",version="1",le="5e-05"} 1`,
		`schemagate_pipeline_seconds_bucket{type="person",version="1",le="1"} 1`,
		`schemagate_pipeline_seconds_bucket{type="person",version="1",le="+Inf"} 2`,
		`schemagate_pipeline_seconds_count{type="person",version="1"} 2`,
	)
}

// checkLines gathers the named metrics of m in the text format and fails t
// for each of lines the exposition lacks; it returns the exposition.
func checkLines(t *testing.T, m *telemetry.Metrics, names []string, lines ...string) string {
	t.Helper()
	out, err := testutil.GatherAndFormat(m.Gatherer(), expfmt.TypeTextPlain, names...)
	if err != nil {
		t.Fatal(err)
	}
	testkit.HasLines(t, string(out), lines...)
	return string(out)
}

func TestKnownKeyNotGivenToNewStillCounted(t *testing.T) {
	m := telemetry.New(nil)
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, time.Millisecond)
	want := framesWant(nil, map[string]int{"OK ws person 1": 1})
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "schemagate_frames_total"); err != nil {
		t.Fatal(err)
	}
}

func TestConnections(t *testing.T) {
	m := telemetry.New(nil)
	for range 3 {
		m.ConnOpened()
	}
	m.ConnClosed(telemetry.CloseNormal)
	m.ConnClosed(telemetry.CloseTooBig)
	m.UpgradeRejected(telemetry.RejectOrigin)
	m.UpgradeRejected("something-from-a-typo")
	m.BusyPolled(true)
	m.BusyPolled(true)
	m.BusyPolled(false)

	g := checkLines(t, m, []string{"schemagate_connections", "schemagate_connections_closed_total", "schemagate_upgrades_rejected_total",
		"schemagate_ws_busy_polls_total"},
		"schemagate_connections 1",
		`schemagate_connections_closed_total{reason="normal"} 1`,
		`schemagate_connections_closed_total{reason="too_big"} 1`,
		`schemagate_connections_closed_total{reason="idle"} 0`,
		`schemagate_upgrades_rejected_total{reason="origin"} 1`,
		`schemagate_upgrades_rejected_total{reason="other"} 1`,
		`schemagate_ws_busy_polls_total{outcome="caught"} 2`,
		`schemagate_ws_busy_polls_total{outcome="parked"} 1`,
	)
	if strings.Contains(g, "typo") {
		t.Errorf("an unknown reason became a label:\n%s", g)
	}
}

func TestHandlerServesOwnRegistry(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, time.Millisecond)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, s := range []string{
		`schemagate_frames_total{code="OK",transport="ws",type="person",version="1"} 1`,
		"go_goroutines", "process_", "schemagate_connections 0",
	} {
		if !strings.Contains(string(body), s) {
			t.Errorf("metrics lack %q", s)
		}
	}
}

func TestTwoInstancesDoNotShareState(t *testing.T) {
	a, b := telemetry.New([]event.Key{person}), telemetry.New([]event.Key{person})
	a.ConnOpened()
	n, _ := testutil.GatherAndFormat(b.Gatherer(), expfmt.TypeTextPlain, "schemagate_connections")
	if !strings.Contains(string(n), "schemagate_connections 0") {
		t.Fatalf("second registry saw the first's connection:\n%s", n)
	}
}

func TestObserveDoesNotAllocate(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	unknown := event.Key{Type: "nope", Version: 3}
	// Warm the lazily resolved counters.
	m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.Unavailable, time.Millisecond)
	allocs := testing.AllocsPerRun(1000, func() {
		m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, 40*time.Microsecond)
		m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.Unavailable, 40*time.Microsecond)
		m.Transport(telemetry.TransportWebSocket).Observe(unknown, false, codes.NotFound, 40*time.Microsecond)
	})
	if allocs != 0 {
		t.Fatalf("Observe allocates %.1f times per call", allocs)
	}
}

// A route's recorder (For) counts in the series Observe counts in, for a
// key New was given and for one it was not, and allocates nothing.
func TestForCountsAsObserveDoes(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	ws := m.Transport(telemetry.TransportWebSocket)
	later := event.Key{Type: "later", Version: 2}
	rec, recLater := ws.For(person), ws.For(later)
	rec(codes.OK, time.Millisecond)
	ws.Observe(person, true, codes.OK, time.Millisecond)
	recLater(codes.Unavailable, time.Millisecond)
	if n := testing.AllocsPerRun(100, func() { rec(codes.OK, time.Millisecond) }); n != 0 {
		t.Errorf("a route's recorder allocates %v times, want 0", n)
	}
	checkLines(t, m, []string{"schemagate_frames_total", "schemagate_pipeline_seconds"},
		`schemagate_frames_total{code="OK",transport="ws",type="person",version="1"} 103`,
		`schemagate_frames_total{code="UNAVAILABLE",transport="ws",type="later",version="2"} 1`,
		`schemagate_pipeline_seconds_count{type="person",version="1"} 103`,
		`schemagate_pipeline_seconds_count{type="later",version="2"} 1`,
	)
}

func BenchmarkObserve(b *testing.B) {
	m := telemetry.New([]event.Key{person, {Type: "echo", Version: 1}})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, 40*time.Microsecond)
		}
	})
}

func BenchmarkObserveSerial(b *testing.B) {
	m := telemetry.New([]event.Key{person})
	b.ReportAllocs()
	for b.Loop() {
		m.Transport(telemetry.TransportWebSocket).Observe(person, true, codes.OK, 40*time.Microsecond)
	}
}

func TestRPCs(t *testing.T) {
	m := telemetry.New(nil)
	m.RPC("/schemagate.v1.EventService/Publish", codes.OK, time.Millisecond)
	m.RPC("/schemagate.v1.EventService/Publish", codes.InvalidArgument, time.Millisecond)
	m.RPC("/schemagate.v1.EventService/PublishStream", codes.OK, 3*time.Second)
	m.GRPCRejected(telemetry.CloseTooBig)
	m.GRPCRejected(telemetry.RejectUnavailable)
	m.GRPCRejected(telemetry.RejectUnavailable)
	m.GRPCRejected("something-from-a-typo")
	checkLines(t, m, []string{"schemagate_grpc_rpcs_total", "schemagate_grpc_rpc_seconds", "schemagate_grpc_rejected_total"},
		`schemagate_grpc_rpcs_total{code="OK",method="/schemagate.v1.EventService/Publish"} 1`,
		`schemagate_grpc_rpcs_total{code="INVALID_ARGUMENT",method="/schemagate.v1.EventService/Publish"} 1`,
		`schemagate_grpc_rpc_seconds_count{method="/schemagate.v1.EventService/Publish"} 2`,
		`schemagate_grpc_rpc_seconds_bucket{method="/schemagate.v1.EventService/PublishStream",le="2.5"} 0`,
		`schemagate_grpc_rpc_seconds_bucket{method="/schemagate.v1.EventService/PublishStream",le="10"} 1`,
		`schemagate_grpc_rejected_total{reason="too_big"} 1`,
		`schemagate_grpc_rejected_total{reason="unavailable"} 2`,
		`schemagate_grpc_rejected_total{reason="rate"} 0`,
		`schemagate_grpc_rejected_total{reason="unauthenticated"} 0`,
		`schemagate_grpc_rejected_total{reason="other"} 1`,
	)
}

func TestRolloutCounted(t *testing.T) {
	m := telemetry.New([]event.Key{person})
	r := m.Rollout()
	v2 := event.Key{Type: "person", Version: 2}
	for range 3 {
		r.ObserveCandidate(person, v2, candidate.OnlyOldValid)
	}
	r.ObserveCandidate(person, v2, candidate.BothValid)
	r.ObserveShadow(person)
	r.ObserveCandidateSkipped(person, v2)
	if n := testing.AllocsPerRun(100, func() { r.ObserveCandidateSkipped(person, v2) }); n != 0 {
		t.Errorf("a skip on the reply's path allocates %v times, want 0", n)
	}
	checkLines(t, m, []string{"schemagate_candidate_total", "schemagate_shadow_invalid_total", "schemagate_candidate_skipped_total"},
		`schemagate_candidate_total{candidate="2",outcome="only_old_valid",type="person",version="1"} 3`,
		`schemagate_candidate_total{candidate="2",outcome="both_valid",type="person",version="1"} 1`,
		`schemagate_shadow_invalid_total{type="person",version="1"} 1`,
		`schemagate_candidate_skipped_total{candidate="2",type="person",version="1"} 102`,
	)
}
