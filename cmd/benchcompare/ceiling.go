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
// and it answers an echo frame without the result the contract promises,
// both of which the load generator counts as wrong, so it runs only on the
// load scenarios whose frames a plain ack answers: all valid, none echo.

// runsIn says whether server s takes part in scenario sc; plain says
// whether every frame of sc's workload is answered by a plain ack.
func runsIn(s server, sc scenario, plain bool) bool {
	return !s.judgesNothing || (!sc.idle && plain)
}

// plainAckWorkloads reads each load scenario's workload once and says
// which a plain ack answers throughout (see plainAcks).
func plainAckWorkloads(shared string, scs []scenario) (map[string]bool, error) {
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
		ok, err := plainAcks(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", sc.workload, err)
		}
		out[sc.workload] = ok
	}
	return out, nil
}

// plainAcks says whether every frame of an NDJSON workload is answered by
// {"id": ..., "ok": true}: marked {"valid": true}, and not of type echo
// version 1, whose ack carries the data back as its result. A line without
// the mark is an error, since a frame of unknown verdict may not be sent to
// a server that acks everything.
func plainAcks(r io.Reader) (bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	lines := 0
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l struct {
			Valid *bool `json:"valid"`
			Frame struct {
				Type    string          `json:"type"`
				Version json.RawMessage `json:"version"`
			} `json:"frame"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return false, fmt.Errorf("line %d: %v", n, err)
		}
		if l.Valid == nil {
			return false, fmt.Errorf(`line %d: no "valid" mark`, n)
		}
		if !*l.Valid || (l.Frame.Type == "echo" && string(l.Frame.Version) == "1") {
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
// it would answer wrongly).
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
		"only workloads a plain ack answers: all frames valid, no echo)**\n\n| scenario | %s |\n|---|%s\n",
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
