package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
)

// sinkScenario is the load of the sink comparison: valid events, each
// acknowledged only once its action has it.
var sinkScenario = scenario{name: "person-valid 64x16", workload: "person-valid", conns: 64, inFlight: 16}

// outboxTarget is issue 17's goal: acks/s with an outbox webhook at least
// 0.8x of those with the file action, both fsyncing before the ack.
const outboxTarget = 0.8

// sinkResult is the sink comparison of one run: the file action, and the
// outbox webhook with its receiver answering (deliveries share the CPU
// with the acks) and with it down (the ack path alone).
type sinkResult struct {
	file, outbox, outboxDown measurement
	// delivered is the receiver's deliveries per second while the
	// receiver-up row ran, its warm-up included: a sender that cannot keep
	// up delivers flat out, and its per-event cost then shows here rather
	// than in acks/s.
	delivered float64
	err       string
}

// measureSinks serves the bench schemas three times, every event routed
// to a file action, then to an outbox webhook whose receiver answers 204
// (from this process: its deliveries compete for the same CPU as the
// acks), then to one whose receiver is down (the first attempt an hour
// out: the ack path alone); sync: always for all, the same load.
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
	sinks := map[string]string{
		"file": fmt.Sprintf("{kind: file, path: %s, sync: always}", filepath.Join(dir, "events.ndjson")),
		"outbox": fmt.Sprintf("{kind: webhook, url: 'http://%s/events', timeout: 5s, delivery: outbox, outbox: {path: %s, sync: always}}",
			ln.Addr(), filepath.Join(dir, "outbox.db")),
		"down": fmt.Sprintf("{kind: webhook, url: 'http://127.0.0.1:9/events', timeout: 5s, delivery: outbox, outbox: {path: %s, sync: always, schedule: [1h]}}",
			filepath.Join(dir, "down.db")),
	}
	var res sinkResult
	for _, name := range []string{"file", "outbox", "down"} {
		cfg := filepath.Join(dir, name+".yaml")
		text := fmt.Sprintf("schemas: {dir: %s}\nhandlers: []\nactions: {sink: %s}\ndefault_actions: [sink]\nlog: {level: warn}\n",
			schemas, sinks[name])
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			return sinkResult{err: err.Error()}
		}
		s := server{name: "schemagate-" + name, dir: c.repo, argv: func(port int) []string {
			return []string{c.schemagate, "serve", "--config", cfg, "--listen", "127.0.0.1:" + strconv.Itoa(port), "--grpc-listen", ""}
		}}
		r, err := start(ctx, s, dir)
		if err != nil {
			return sinkResult{err: err.Error()}
		}
		n0, t0 := delivered.Load(), time.Now()
		m := measureLoad(ctx, c, r, sinkScenario)
		if name == "outbox" {
			res.delivered = float64(delivered.Load()-n0) / time.Since(t0).Seconds()
			fmt.Fprintf(os.Stderr, "sinks: delivered %.0f/s\n", res.delivered)
		}
		r.stop()
		fmt.Fprintf(os.Stderr, "sinks: %-7s %s\n", name, m)
		switch name {
		case "file":
			res.file = m
		case "outbox":
			res.outbox = m
		default:
			res.outboxDown = m
		}
	}
	return res
}

// sinkLine writes the outbox goal's rows.
func (rp report) sinkLine(w io.Writer) {
	s := rp.sinks
	if s == nil {
		return
	}
	for _, m := range []measurement{s.file, s.outbox, s.outboxDown} {
		if s.err == "" && (m.err != "" || s.file.rate == 0) {
			s.err = m.err
		}
	}
	if s.err != "" {
		fmt.Fprintf(w, "Outbox webhook vs file action: not measured (%s).\n\n", s.err)
		return
	}
	fmt.Fprintf(w, "**Outbox webhook vs file action (same run, %s, fsync before every ack; file action %.0f acks/s, %.1f µs CPU per ack)**\n\n"+
		"| outbox webhook | acks/s | CPU per ack | target | measured | met |\n|---|---|---|---|---|---|\n",
		sinkScenario.name, s.file.rate, micros(s.file.cpuPerAck))
	for _, row := range []struct {
		what string
		m    measurement
	}{{"receiver down: the ack path alone", s.outboxDown}, {"receiver up: delivering on the same cores meanwhile", s.outbox}} {
		ratio := row.m.rate / s.file.rate
		verdict := "yes"
		if ratio < outboxTarget {
			verdict = "no"
		}
		fmt.Fprintf(w, "| %s | %.0f | %.1f µs | ≥ %.1fx | %.2fx | %s |\n", row.what, row.m.rate, micros(row.m.cpuPerAck), outboxTarget, ratio, verdict)
	}
	fmt.Fprintf(w, "\nThe receiver took %.0f deliveries/s while the receiver-up row ran (warm-up included; one at a time, in ack order).\n\n", s.delivered)
}
