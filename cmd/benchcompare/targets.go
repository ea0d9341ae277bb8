package main

import (
	"fmt"
	"io"
)

// target is one goal of issue 6, a ratio of schemagate to the baseline.
type target struct {
	what     string
	scenario string
	limit    float64
	higher   bool // the ratio must be at least limit; else at most
	figure   func(measurement) float64
}

func targets() []target {
	rate := func(m measurement) float64 { return m.rate }
	cpu := func(m measurement) float64 { return float64(m.cpuPerAck) }
	t := []target{
		{"replies/s", "person-valid 64x16", 1.5, true, rate},
		{"replies/s", "order-valid 64x16", 1.25, true, rate},
		{"replies/s", "mixed-10pct-invalid 64x16", 1.25, true, rate},
	}
	for _, sc := range []string{"person-valid 64x16", "order-valid 64x16", "mixed-10pct-invalid 64x16", "echo-small 64x16 (no validation)"} {
		t = append(t, target{"CPU per reply", sc, 0.67, false, cpu})
	}
	return append(t,
		target{"p99 latency", "person-valid 1x1 (latency)", 1, false, func(m measurement) float64 { return float64(m.p99) }},
		target{"RSS per idle connection", "idle connections", 1, false, func(m measurement) float64 { return m.rssPerConn }},
	)
}

// targets writes whether schemagate met each goal in this run.
func (rp report) targets(w io.Writer) {
	fmt.Fprintf(w, "**Targets (schemagate / %s)**\n\n| goal | scenario | target | measured | met |\n|---|---|---|---|---|\n", rp.c.baseline)
	for _, t := range targets() {
		sg, ok1 := rp.res.median(t.scenario, "schemagate")
		base, ok2 := rp.res.median(t.scenario, rp.c.baseline)
		if !ok1 || !ok2 || sg.err != "" || base.err != "" || t.figure(base) == 0 {
			continue
		}
		ratio := t.figure(sg) / t.figure(base)
		want, met := "≤ ", ratio <= t.limit
		if t.higher {
			want, met = "≥ ", ratio >= t.limit
		}
		verdict := "no"
		if met {
			verdict = "yes"
		}
		fmt.Fprintf(w, "| %s | %s | %s%.2fx | %.2fx | %s |\n", t.what, t.scenario, want, t.limit, ratio, verdict)
	}
	fmt.Fprintln(w)
}
