package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// scenario is one row of the comparison.
type scenario struct {
	name     string
	workload string // file name under shared/bench/workloads; "" for idle
	conns    int
	inFlight int
	idle     bool
}

func scenarios() []scenario {
	return []scenario{
		{name: "person-valid 64x16", workload: "person-valid", conns: 64, inFlight: 16},
		{name: "order-valid 64x16", workload: "order-valid", conns: 64, inFlight: 16},
		{name: "mixed-10pct-invalid 64x16", workload: "mixed-10pct-invalid", conns: 64, inFlight: 16},
		{name: "echo-small 64x16 (no validation)", workload: "echo-small", conns: 64, inFlight: 16},
		{name: "person-valid 1x1 (latency)", workload: "person-valid", conns: 1, inFlight: 1},
		{name: "idle connections", idle: true},
	}
}

// measurement is what one server did in one scenario.
type measurement struct {
	rate       float64       // replies per second
	p50, p99   time.Duration // write to reply
	cpuPerAck  time.Duration // server tree CPU per reply
	rssPerConn float64       // bytes per idle connection
	wrong      int64         // lost + duplicated + mismatched + malformed
	err        string        // why there is no figure
}

// benchJSON is the part of `schemagate bench --json` used here.
type benchJSON struct {
	Acked, Rejected, Lost, Duplicated, Mismatched, Malformed int64
	Rate                                                     float64
	P50US                                                    float64 `json:"p50_us"`
	P99US                                                    float64 `json:"p99_us"`
	ConnErrors                                               int     `json:"conn_errors"`
}

// measureLoad warms the server up with an unmeasured run, then measures a
// second run and the server tree's CPU time across it.
func measureLoad(ctx context.Context, c config, r *running, sc scenario) measurement {
	if _, err := benchRun(ctx, c, r, sc, c.warmup); err != nil {
		return measurement{err: "warm-up: " + err.Error()}
	}
	cpu0 := treeCPU(r.cmd.Process.Pid)
	res, err := benchRun(ctx, c, r, sc, c.duration)
	cpu := treeCPU(r.cmd.Process.Pid) - cpu0
	if err != nil {
		return measurement{err: err.Error()}
	}
	m := measurement{rate: res.Rate, p50: us(res.P50US), p99: us(res.P99US),
		wrong: res.Lost + res.Duplicated + res.Mismatched + res.Malformed + int64(res.ConnErrors)}
	if n := res.Acked + res.Rejected; n > 0 {
		m.cpuPerAck = cpu / time.Duration(n)
	}
	return m
}

func us(v float64) time.Duration { return time.Duration(v * float64(time.Microsecond)) }

// benchRun runs `schemagate bench` once against r, with no warm-up of its
// own so that the CPU window brackets just this run.
func benchRun(ctx context.Context, c config, r *running, sc scenario, d time.Duration) (benchJSON, error) {
	ctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	wl := filepath.Join(c.shared, "bench", "workloads", sc.workload+".ndjson")
	out, err := exec.CommandContext(ctx, c.schemagate, "bench", "--url", r.bench, "--workload", wl,
		"--conns", strconv.Itoa(sc.conns), "--in-flight", strconv.Itoa(sc.inFlight),
		"--duration", d.String(), "--warmup", "0", "--json").Output()
	var res benchJSON
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		return res, fmt.Errorf("bench: %v: %s", err, stderrOf(err))
	}
	return res, nil // exit code 1 only says the run was not clean, which res shows
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// measureIdle holds c.idle idle connections with `schemagate bench --idle`
// and divides the growth of the server tree's RSS by their number.
func measureIdle(ctx context.Context, c config, r *running) measurement {
	time.Sleep(time.Second)
	base := treeRSS(r.cmd.Process.Pid)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.schemagate, "bench", "--url", r.url, "--idle", strconv.Itoa(c.idle))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return measurement{err: err.Error()}
	}
	if err := cmd.Start(); err != nil {
		return measurement{err: err.Error()}
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "holding") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return measurement{err: "idle connections not all opened: " + strings.TrimSpace(stderr.String())}
	}
	time.Sleep(3 * time.Second) // let the server settle, as a long-idle fleet would
	held := treeRSS(r.cmd.Process.Pid)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	return measurement{rssPerConn: float64(held-base) / float64(c.idle)}
}
