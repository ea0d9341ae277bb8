package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlainAcks(t *testing.T) {
	cases := []struct {
		name, in string
		want     bool
		err      string
	}{
		{"all valid", `{"valid": true, "frame": {}}` + "\n" + `{"valid":true,"frame":{}}` + "\n", true, ""},
		{"blank lines skipped", "\n" + `{"valid": true, "frame": {}}` + "\n\n", true, ""},
		{"one invalid", `{"valid": true, "frame": {}}` + "\n" + `{"valid": false, "frame": {}}` + "\n", false, ""},
		{"empty workload", "", false, ""},
		{"unmarked line", `{"valid": true}` + "\n" + `{"frame": {}}` + "\n", false, `line 2: no "valid" mark`},
		{"broken line", `{"valid": tru`, false, "line 1:"},
		{"echo wants its data back", `{"valid": true, "frame": {"type": "person", "version": 1}}` + "\n" +
			`{"valid": true, "frame": {"type": "echo", "version": 1, "data": {}}}` + "\n", false, ""},
		{"another echo version is a plain type", `{"valid": true, "frame": {"type": "echo", "version": 2}}`, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := plainAcks(strings.NewReader(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("plainAcks = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

// TestCeilingRunsOnlyOnPlainLoad: the server that acks everything never
// meets a frame a plain ack would answer wrongly, nor the idle scenario;
// every other server runs everywhere.
func TestCeilingRunsOnlyOnPlainLoad(t *testing.T) {
	ceiling := server{name: "go-ceiling", judgesNothing: true}
	judge := server{name: "schemagate"}
	load := scenario{name: "person-valid 64x16", workload: "person-valid"}
	idle := scenario{name: "idle connections", idle: true}
	cases := []struct {
		s     server
		sc    scenario
		plain bool
		want  bool
	}{
		{ceiling, load, true, true},
		{ceiling, load, false, false},
		{ceiling, idle, false, false},
		{ceiling, idle, true, false},
		{judge, load, true, true},
		{judge, load, false, true},
		{judge, idle, false, true},
	}
	for _, c := range cases {
		if got := runsIn(c.s, c.sc, c.plain); got != c.want {
			t.Errorf("runsIn(%s, %s, plain=%v) = %v, want %v", c.s.name, c.sc.name, c.plain, got, c.want)
		}
	}
}

// TestSharedWorkloadsPlainAcks: the ceiling runs on person and order; not
// on mixed (invalid frames) nor on echo (its acks carry a result).
func TestSharedWorkloadsPlainAcks(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "bench", "workloads")); err != nil {
		t.Skip("../shared/bench/workloads not available:", err)
	}
	got, err := plainAckWorkloads(shared, scenarios())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"person-valid": true, "order-valid": true, "echo-small": false, "mixed-10pct-invalid": false}
	for w, v := range want {
		if got[w] != v {
			t.Errorf("%s: plain acks = %v, want %v", w, got[w], v)
		}
	}
}

func TestLimitFraction(t *testing.T) {
	res := results{}
	res.add("person-valid 64x16", "schemagate", measurement{rate: 90})
	res.add("person-valid 64x16", "go-ceiling", measurement{rate: 100})
	res.add("order-valid 64x16", "schemagate", measurement{rate: 40})
	res.add("order-valid 64x16", "go-ceiling", measurement{err: "exited"})
	res.add("mixed-10pct-invalid 64x16", "schemagate", measurement{rate: 50})
	res.add("echo-small 64x16 (no validation)", "schemagate", measurement{err: "boom"})
	res.add("echo-small 64x16 (no validation)", "go-ceiling", measurement{rate: 100})
	cases := []struct {
		sc, srv string
		want    float64
		ok      bool
	}{
		{"person-valid 64x16", "schemagate", 0.9, true},
		{"person-valid 64x16", "go-ceiling", 0, false},  // not a fraction of itself
		{"person-valid 64x16", "node-ws-ajv", 0, false}, // did not run
		{"order-valid 64x16", "schemagate", 0, false},   // the ceiling failed
		{"mixed-10pct-invalid 64x16", "schemagate", 0, false},
		{"echo-small 64x16 (no validation)", "schemagate", 0, false},
	}
	for _, c := range cases {
		got, ok := res.limitFraction(c.sc, c.srv, "go-ceiling")
		if ok != c.ok || (ok && (got < c.want-1e-9 || got > c.want+1e-9)) {
			t.Errorf("limitFraction(%s, %s) = %v, %v; want %v, %v", c.sc, c.srv, got, ok, c.want, c.ok)
		}
	}
}

// TestReportFractionOfTheLimit: the fraction table has a row for each
// scenario the ceiling ran and a column for each other server; the
// tables before it keep their shape, with the ceiling as one more server.
func TestReportFractionOfTheLimit(t *testing.T) {
	res := results{}
	for sc, rates := range map[string][3]float64{
		"person-valid 64x16":        {270, 300, 90},
		"order-valid 64x16":         {160, 200, 40},
		"mixed-10pct-invalid 64x16": {100, 0, 50},
	} {
		res.add(sc, "schemagate", measurement{rate: rates[0]})
		if rates[1] > 0 {
			res.add(sc, "go-ceiling", measurement{rate: rates[1]})
		}
		res.add(sc, "node-ws-ajv", measurement{rate: rates[2]})
	}
	rp := report{c: config{baseline: "node-ws-ajv", ceiling: "go-ceiling", rounds: 1},
		servers: []string{"schemagate", "go-ceiling", "node-ws-ajv"}, res: res}
	var b strings.Builder
	rp.render(&b)
	got := b.String()
	for _, want := range []string{
		"| scenario | schemagate | go-ceiling | node-ws-ajv |",
		"| person-valid 64x16 | 270 (3.00x) | 300 (3.33x) | 90 |",
		"| mixed-10pct-invalid 64x16 | 100 (2.00x) | | 50 |",
		"**Fraction of the limit: replies/s ÷ go-ceiling's in the same run (higher is better; only workloads a plain ack answers",
		"| scenario | schemagate | node-ws-ajv |\n|---|---|---|\n" +
			"| person-valid 64x16 | 0.90x | 0.30x |\n| order-valid 64x16 | 0.80x | 0.20x |\n\n",
		"| replies/s, fraction of the limit | person-valid 64x16 | ≥ 0.90x | 0.90x | yes |",
		"| replies/s, fraction of the limit | order-valid 64x16 | ≥ 0.80x | 0.80x | yes |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "| mixed-10pct-invalid 64x16 | 1.00x") || strings.Count(got, "Fraction of the limit") != 1 {
		t.Errorf("a workload with invalid frames got a fraction:\n%s", got)
	}
}
