package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// The report replaces what lies between these markers in the output file,
// so the analysis written around it survives a re-run.
const (
	beginMark = "<!-- benchcompare:begin -->"
	endMark   = "<!-- benchcompare:end -->"
)

type report struct {
	c          config
	servers    []string
	res        results
	notes      []string
	started    time.Time
	startup    time.Duration // median time to compile the startup tree
	startupErr string
	sinks      *sinkResult // the outbox goal, when measured
}

// write renders the report to stdout, or into c.out between the markers.
func (rp report) write() error {
	var b strings.Builder
	rp.render(&b)
	if rp.c.out == "" {
		_, err := io.WriteString(os.Stdout, b.String())
		return err
	}
	old, err := os.ReadFile(rp.c.out)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := beginMark + "\n" + b.String() + endMark + "\n"
	before, rest, found := strings.Cut(string(old), beginMark)
	if found {
		_, after, _ := strings.Cut(rest, endMark+"\n")
		text = before + text + after
	} else {
		text = string(old) + text
	}
	return os.WriteFile(rp.c.out, []byte(text), 0o644)
}

func (rp report) render(w io.Writer) {
	fmt.Fprintf(w, "Measured %s on %d cores (%s), server and load generator sharing them; "+
		"load average %s at the start; %s, %s.\n", rp.started.Format("2006-01-02 15:04 MST"),
		runtime.NumCPU(), cpuModel(), loadAvg(), runtime.Version(), nodeVersion())
	fmt.Fprintf(w, "Each load run: a fresh server, %s unmeasured warm-up, then %s measured; "+
		"%d round(s), median shown. Ratios are to %s.\n\n", rp.c.warmup, rp.c.duration, rp.c.rounds, rp.c.baseline)
	rp.table(w, "Replies per second (ratio: higher is better)", loadRows(), func(m measurement) (string, float64) {
		return fmt.Sprintf("%.0f", m.rate), m.rate
	})
	rp.limitTable(w)
	rp.table(w, "Server CPU time per reply, server tree incl. workers (ratio: lower is better)", loadRows(),
		func(m measurement) (string, float64) {
			return fmt.Sprintf("%.1f µs", micros(m.cpuPerAck)), float64(m.cpuPerAck)
		})
	rp.table(w, "Latency p50 (ratio: lower is better)", loadRows(), func(m measurement) (string, float64) {
		return fmt.Sprintf("%.0f µs", micros(m.p50)), float64(m.p50)
	})
	rp.table(w, "Latency p99 (ratio: lower is better)", loadRows(), func(m measurement) (string, float64) {
		return fmt.Sprintf("%.0f µs", micros(m.p99)), float64(m.p99)
	})
	if rp.c.idle > 0 {
		rp.table(w, fmt.Sprintf("RSS per idle connection, %d held (ratio: lower is better)", rp.c.idle),
			[]string{"idle connections"}, func(m measurement) (string, float64) {
				return fmt.Sprintf("%.1f KB", m.rssPerConn/1024), m.rssPerConn
			})
	}
	rp.wrongLine(w)
	rp.targets(w)
	rp.startupLine(w)
	rp.sinkLine(w)
	for _, n := range rp.notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	fmt.Fprintln(w)
}

func loadRows() []string {
	var rows []string
	for _, sc := range scenarios() {
		if !sc.idle {
			rows = append(rows, sc.name)
		}
	}
	return rows
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// table writes one Markdown table: a row per scenario, a column per server,
// each cell the figure and its ratio to the baseline's.
func (rp report) table(w io.Writer, title string, rows []string, cell func(measurement) (string, float64)) {
	fmt.Fprintf(w, "**%s**\n\n| scenario | %s |\n|---|%s\n", title, strings.Join(rp.servers, " | "),
		strings.Repeat("---|", len(rp.servers)))
	for _, row := range rows {
		base, hasBase := rp.res.median(row, rp.c.baseline)
		_, bv := cell(base)
		fmt.Fprintf(w, "| %s |", row)
		for _, n := range rp.servers {
			m, ok := rp.res.median(row, n)
			switch {
			case !ok:
				fmt.Fprint(w, " |")
			case m.err != "":
				fmt.Fprint(w, " failed |")
			default:
				s, v := cell(m)
				if hasBase && base.err == "" && bv != 0 && n != rp.c.baseline {
					s += fmt.Sprintf(" (%.2fx)", v/bv)
				}
				fmt.Fprintf(w, " %s |", s)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// wrongLine states the correctness of every run: the figures mean nothing
// for a server that lost or misjudged frames.
func (rp report) wrongLine(w io.Writer) {
	var bad []string
	for _, sc := range scenarios() {
		for _, n := range rp.servers {
			for _, m := range rp.res[sc.name][n] {
				switch {
				case m.err != "":
					bad = append(bad, fmt.Sprintf("%s on %s failed: %s", n, sc.name, m.err))
				case m.wrong > 0:
					bad = append(bad, fmt.Sprintf("%s on %s: %d lost, duplicated, misjudged or malformed", n, sc.name, m.wrong))
				}
			}
		}
	}
	if len(bad) == 0 {
		fmt.Fprint(w, "Every run was clean: no frame lost, duplicated or misjudged, no connection failed.\n\n")
		return
	}
	for _, s := range bad {
		fmt.Fprintf(w, "- %s\n", s)
	}
	fmt.Fprintln(w)
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "node absent"
	}
	return "node " + strings.TrimSpace(string(out))
}
