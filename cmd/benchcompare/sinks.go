package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// sinkScenario is the load of the sink comparison: valid events, each
// acknowledged only once its action has it.
var sinkScenario = scenario{name: "person-valid 64x16", workload: "person-valid", conns: 64, inFlight: 16}

// outboxTarget is issue 17's goal: acks/s with an outbox webhook at least
// 0.8x of those with the file action, both fsyncing before the ack.
const outboxTarget = 0.8

// sinkResult is the sink comparison: the file action, and the outbox
// webhook with its receiver answering (deliveries share the CPU with the
// acks) and with it down (the ack path alone), each measured once per
// round, the three in turn.
type sinkResult struct {
	file, outbox, outboxDown []measurement
	// delivered is the receiver's deliveries per second while each
	// receiver-up run ran, its warm-up included: a sender that cannot keep
	// up delivers flat out, and its per-event cost then shows here rather
	// than in acks/s.
	delivered []float64
	err       string
}

// measureSinks serves the bench schemas three times a round, every event
// routed to a file action, then to an outbox webhook whose receiver
// answers 204 (from this process: its deliveries compete for the same CPU
// as the acks), then to one whose receiver is down (the first attempt an
// hour out: the ack path alone); sync: always for all, the same load.
// Each run starts on empty files: a backlog left by the previous round
// would otherwise be delivered during this one.
func measureSinks(ctx context.Context, c config) sinkResult {
	dir, err := os.MkdirTemp("", "benchcompare-sinks-")
	if err != nil {
		return sinkResult{err: err.Error()}
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return sinkResult{err: err.Error()}
	}
	var delivered atomic.Int64
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = recv.Serve(ln) }()
	defer recv.Close()
	schemas, err := filepath.Abs(filepath.Join(c.shared, "bench", "schemas"))
	if err != nil {
		return sinkResult{err: err.Error()}
	}
	var res sinkResult
	for round := range max(c.rounds, 1) {
		for _, kind := range [...]string{"file", "outbox", "down"} { // in this order each round
			n0, t0 := delivered.Load(), time.Now()
			m := measureSink(ctx, c, sinkRun{dir: dir, schemas: schemas, receiver: ln.Addr().String(), kind: kind, round: round})
			if m.err != "" && res.err == "" {
				res.err = m.err
			}
			fmt.Fprintf(os.Stderr, "round %d  sinks %-7s %s\n", round+1, kind, m)
			switch kind {
			case "file":
				res.file = append(res.file, m)
			case "outbox":
				res.outbox = append(res.outbox, m)
				res.delivered = append(res.delivered, float64(delivered.Load()-n0)/time.Since(t0).Seconds())
				fmt.Fprintf(os.Stderr, "round %d  sinks delivered %.0f/s\n", round+1, res.delivered[len(res.delivered)-1])
			default:
				res.outboxDown = append(res.outboxDown, m)
			}
		}
	}
	return res
}

// sinkRun is one run of the sink comparison.
type sinkRun struct {
	dir, schemas, receiver, kind string
	round                        int
}

// measureSink writes the run's configuration, starts a server on it and
// measures the sink scenario.
func measureSink(ctx context.Context, c config, s sinkRun) measurement {
	base := filepath.Join(s.dir, fmt.Sprintf("%s-%d", s.kind, s.round))
	sinks := map[string]string{
		"file": fmt.Sprintf("{kind: file, path: %s.ndjson, sync: always}", base),
		"outbox": fmt.Sprintf("{kind: webhook, url: 'http://%s/events', timeout: 5s, delivery: outbox, outbox: {path: %s.db, sync: always}}",
			s.receiver, base),
		"down": fmt.Sprintf("{kind: webhook, url: 'http://127.0.0.1:9/events', timeout: 5s, delivery: outbox, outbox: {path: %s.db, sync: always, schedule: [1h]}}",
			base),
	}
	cfg := base + ".yaml"
	text := fmt.Sprintf("schemas: {dir: %s}\nhandlers: []\nactions: {sink: %s}\ndefault_actions: [sink]\nlog: {level: warn}\n",
		s.schemas, sinks[s.kind])
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		return measurement{err: err.Error()}
	}
	srv := server{name: "schemagate-" + s.kind, dir: c.repo, argv: func(port int) []string {
		return []string{c.schemagate, "serve", "--config", cfg, "--listen", "127.0.0.1:" + strconv.Itoa(port), "--grpc-listen", ""}
	}}
	r, err := start(ctx, srv, s.dir)
	if err != nil {
		return measurement{err: err.Error()}
	}
	defer r.stop()
	return measureLoad(ctx, c, r, sinkScenario)
}

// sinkLine writes the outbox goal's rows: each figure the median of the
// rounds, and each ratio the median of the rounds' own ratios, since a
// round's three runs follow one another and share the machine's mood.
func (rp report) sinkLine(w io.Writer) {
	s := rp.sinks
	if s == nil {
		return
	}
	if s.err == "" && len(s.file) == 0 {
		s.err = "no round ran"
	}
	if s.err != "" {
		fmt.Fprintf(w, "Outbox webhook vs file action: not measured (%s).\n\n", s.err)
		return
	}
	file := medianOf(s.file)
	fmt.Fprintf(w, "**Outbox webhook vs file action (same run, %s, fsync before every ack; %d round(s), medians; file action %.0f acks/s, %.1f µs CPU per ack)**\n\n"+
		"| outbox webhook | acks/s | CPU per ack | target | measured | each round | met |\n|---|---|---|---|---|---|---|\n",
		sinkScenario.name, len(s.file), file.rate, micros(file.cpuPerAck))
	for _, row := range []struct {
		what string
		ms   []measurement
	}{{"receiver down: the ack path alone", s.outboxDown}, {"receiver up: delivering on the same cores meanwhile", s.outbox}} {
		ratios := make([]string, len(row.ms))
		each := make([]float64, len(row.ms))
		for i, m := range row.ms {
			each[i] = m.rate / s.file[i].rate
			ratios[i] = fmt.Sprintf("%.2fx", each[i])
		}
		ratio := middle(each)
		verdict := "yes"
		if ratio < outboxTarget {
			verdict = "no"
		}
		m := medianOf(row.ms)
		fmt.Fprintf(w, "| %s | %.0f | %.1f µs | ≥ %.1fx | %.2fx | %s | %s |\n", row.what, m.rate, micros(m.cpuPerAck),
			outboxTarget, ratio, strings.Join(ratios, " "), verdict)
	}
	fmt.Fprintf(w, "\nThe receiver took %.0f deliveries/s (median) while the receiver-up row ran (warm-up included; one at a time, in ack order): "+
		"the sender falls behind a flat-out producer, and its backlog waits in the outbox (bounded by `max_bytes`).\n\n", middle(s.delivered))
}

// medianOf is the median of runs that all produced a figure.
func medianOf(ms []measurement) measurement {
	return measurement{
		rate:      mid(ms, func(m measurement) float64 { return m.rate }),
		cpuPerAck: time.Duration(mid(ms, func(m measurement) float64 { return float64(m.cpuPerAck) })),
	}
}

// middle is the median of v.
func middle(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}
