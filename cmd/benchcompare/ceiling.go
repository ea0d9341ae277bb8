package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The ceiling (../shared/peers/go-ceiling) is a server that judges
// nothing: it acks every frame as fast as gorilla can, so no server that
// validates can beat it through the same load generator, and a server's
// replies/s over the ceiling's in the same run is how close it comes to
// the limit of the machine (issue 19). It would ack an invalid frame too,
// which the load generator counts as misjudged, so it runs only on the
// load scenarios whose frames are all valid.

// runsIn says whether server s takes part in scenario sc; validOnly says
// whether every frame of sc's workload is valid.
func runsIn(s server, sc scenario, validOnly bool) bool {
	return !s.judgesNothing || (!sc.idle && validOnly)
}

// validOnlyWorkloads reads each load scenario's workload once and says
// which hold valid frames only.
func validOnlyWorkloads(shared string, scs []scenario) (map[string]bool, error) {
	out := map[string]bool{}
	for _, sc := range scs {
		if sc.idle {
			continue
		}
		if _, done := out[sc.workload]; done {
			continue
		}
		f, err := os.Open(filepath.Join(shared, "bench", "workloads", sc.workload+".ndjson"))
		if err != nil {
			return nil, err
		}
		ok, err := allValid(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", sc.workload, err)
		}
		out[sc.workload] = ok
	}
	return out, nil
}

// allValid says whether every line of an NDJSON workload is marked
// {"valid": true}; a line without the mark is an error, since a frame of
// unknown verdict may not be sent to a server that acks everything.
func allValid(r io.Reader) (bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	lines := 0
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l struct {
			Valid *bool `json:"valid"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return false, fmt.Errorf("line %d: %v", n, err)
		}
		if l.Valid == nil {
			return false, fmt.Errorf(`line %d: no "valid" mark`, n)
		}
		if !*l.Valid {
			return false, nil
		}
		lines++
	}
	if err := sc.Err(); err != nil {
		return false, err
	}
	return lines > 0, nil
}

// limitFraction is srv's median replies/s over the ceiling's in the same
// run; false when either has no figure (the ceiling sits out scenarios
// with invalid frames).
func (r results) limitFraction(sc, srv, ceiling string) (float64, bool) {
	m, ok := r.median(sc, srv)
	c, okc := r.median(sc, ceiling)
	if !ok || !okc || m.err != "" || c.err != "" || c.rate == 0 || srv == ceiling {
		return 0, false
	}
	return m.rate / c.rate, true
}

// limitTable writes the "fraction of the limit" table: a row per scenario
// the ceiling ran, a column per other server.
func (rp report) limitTable(w io.Writer) {
	ceiling := rp.c.ceiling
	var cols []string
	for _, n := range rp.servers {
		if n != ceiling {
			cols = append(cols, n)
		}
	}
	var rows []string
	for _, row := range loadRows() {
		if c, ok := rp.res.median(row, ceiling); ok && c.err == "" && c.rate > 0 {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 || len(cols) == 0 {
		return
	}
	fmt.Fprintf(w, "**Fraction of the limit: replies/s ÷ %s's in the same run (higher is better; "+
		"only workloads whose frames are all valid)**\n\n| scenario | %s |\n|---|%s\n",
		ceiling, strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	for _, row := range rows {
		fmt.Fprintf(w, "| %s |", row)
		for _, n := range cols {
			if f, ok := rp.res.limitFraction(row, n, ceiling); ok {
				fmt.Fprintf(w, " %.2fx |", f)
			} else {
				fmt.Fprint(w, " |")
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}
