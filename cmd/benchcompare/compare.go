package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// results maps scenario name, then server name, to its measurements.
type results map[string]map[string][]measurement

// compare installs what it must, runs every scenario on every server in
// turn, and writes the report.
func compare(ctx context.Context, c config) error {
	all := servers(c)
	names, notes, err := installAll(ctx, c, all)
	if err != nil {
		return err
	}
	logDir, err := os.MkdirTemp("", "benchcompare-")
	if err != nil {
		return err
	}
	plain, err := plainAckWorkloads(c.shared, scenarios())
	if err != nil {
		return err
	}
	res := results{}
	started := time.Now().UTC()
	for round := 0; round < c.rounds; round++ {
		for _, sc := range scenarios() {
			if (sc.idle && c.idle == 0) || !strings.Contains(sc.name, c.only) {
				continue
			}
			for _, n := range names {
				if err := ctx.Err(); err != nil {
					return err
				}
				if !runsIn(all[n], sc, plain[sc.workload]) {
					continue
				}
				m := runOne(ctx, c, all[n], sc, logDir)
				res.add(sc.name, n, m)
				fmt.Fprintf(os.Stderr, "round %d  %-34s %-18s %s\n", round+1, sc.name, n, m)
			}
		}
	}
	rep := report{c: c, servers: names, res: res, notes: notes, started: started}
	if strings.Contains("startup", c.only) { // -only startup, or no -only
		rep.startup, err = measureStartup(ctx, c)
		if err != nil {
			rep.startupErr = err.Error()
		}
		fmt.Fprintf(os.Stderr, "startup: %d schemas compiled in %s %s\n", startupSchemas, rep.startup, rep.startupErr)
	}
	if strings.Contains("sinks", c.only) { // -only sinks, or no -only
		s := measureSinks(ctx, c)
		rep.sinks = &s
	}
	return rep.write()
}

// runOne starts a fresh server for one scenario, so nothing carries over
// from the previous one (memory above all), and stops it afterwards.
func runOne(ctx context.Context, c config, s server, sc scenario, logDir string) measurement {
	r, err := start(ctx, s, logDir)
	if err != nil {
		return measurement{err: err.Error()}
	}
	defer r.stop()
	if sc.idle {
		if s.grpc {
			return measurement{err: "idle connections are measured on the WebSocket door"}
		}
		return measureIdle(ctx, c, r)
	}
	return measureLoad(ctx, c, r, sc)
}

// installAll installs the servers asked for and returns those that are
// ready, with a note for each that is skipped.
func installAll(ctx context.Context, c config, all map[string]server) (names, notes []string, err error) {
	for _, n := range strings.Split(c.servers, ",") {
		s, ok := all[n]
		if !ok {
			return nil, nil, fmt.Errorf("unknown server %q", n)
		}
		if err := install(ctx, s); err != nil {
			notes = append(notes, fmt.Sprintf("%s skipped: its install.sh failed (%v)", n, err))
			fmt.Fprintln(os.Stderr, notes[len(notes)-1])
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no server to run")
	}
	return names, notes, nil
}

// install runs a peer's install.sh, bounded: a registry that cannot be
// reached must not stall the whole comparison.
func install(ctx context.Context, s server) error {
	if s.install == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, s.install[0], s.install[1:]...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return fmt.Errorf("%v: %s", err, msg)
	}
	return nil
}

func (r results) add(sc, srv string, m measurement) {
	if r[sc] == nil {
		r[sc] = map[string][]measurement{}
	}
	r[sc][srv] = append(r[sc][srv], m)
}

// median takes each figure's median over the rounds that produced one.
func (r results) median(sc, srv string) (measurement, bool) {
	var ok []measurement
	for _, m := range r[sc][srv] {
		if m.err == "" {
			ok = append(ok, m)
		}
	}
	if len(ok) == 0 {
		ms := r[sc][srv]
		if len(ms) == 0 {
			return measurement{}, false
		}
		return ms[len(ms)-1], true
	}
	var out measurement
	out.rate = mid(ok, func(m measurement) float64 { return m.rate })
	out.p50 = time.Duration(mid(ok, func(m measurement) float64 { return float64(m.p50) }))
	out.p99 = time.Duration(mid(ok, func(m measurement) float64 { return float64(m.p99) }))
	out.cpuPerAck = time.Duration(mid(ok, func(m measurement) float64 { return float64(m.cpuPerAck) }))
	out.rssPerConn = mid(ok, func(m measurement) float64 { return m.rssPerConn })
	for _, m := range ok {
		out.wrong += m.wrong
	}
	return out, true
}

func mid(ms []measurement, f func(measurement) float64) float64 {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func (m measurement) String() string {
	if m.err != "" {
		return "error: " + m.err
	}
	if m.rssPerConn != 0 {
		return fmt.Sprintf("%.1f KB/conn", m.rssPerConn/1024)
	}
	return fmt.Sprintf("%.0f/s p50 %s p99 %s cpu/ack %s wrong %d", m.rate, m.p50, m.p99, m.cpuPerAck, m.wrong)
}
