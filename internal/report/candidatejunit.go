package report

import (
	"bufio"
	"fmt"
	"time"

	"github.com/schemagate/schemagate/internal/candidate"
)

// writeCandidateJUnit writes a comparison as JUnit XML: a test suite per
// type and version compared, a test case per outcome. only_old_valid fails
// when any record has it (the candidate would refuse traffic accepted
// today), with that key's samples as its text; the other outcomes pass
// and say their counts.
func writeCandidateJUnit(w *bufio.Writer, s *CandidateSummary, now func() time.Time) error {
	failures := 0
	for _, k := range s.ByKey {
		if k.Outcomes.OnlyOldValid > 0 {
			failures++
		}
	}
	stamp := now().UTC().Format("2006-01-02T15:04:05")
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(w, `<testsuites name="schemagate validate --candidate %d" tests="%d" failures="%d" errors="0" skipped="0" time="%s">`+"\n",
		s.Candidate, 4*len(s.ByKey), failures, seconds(s.Elapsed))
	for _, k := range s.ByKey {
		name := fmt.Sprintf("%s v%d → v%d", k.Type, k.Version, k.Candidate)
		fails := 0
		if k.Outcomes.OnlyOldValid > 0 {
			fails = 1
		}
		fmt.Fprintf(w, `  <testsuite name="%s" tests="4" failures="%d" errors="0" skipped="0" time="0.000000" timestamp="%s">`+"\n",
			xmlAttr(name), fails, stamp)
		for _, o := range candidate.Outcomes() {
			n := k.Outcomes.Of(o)
			fmt.Fprintf(w, `    <testcase name="%s" classname="%s" time="0.000000">`+"\n", o, xmlAttr(name))
			if o == candidate.OnlyOldValid && n > 0 {
				fmt.Fprintf(w, `      <failure message="%s" type="%s">`, xmlAttr(fmt.Sprintf("%d %s valid under %s v%d would be refused by v%d",
					n, plural(int(n), "event", "events"), k.Type, k.Version, k.Candidate)), o)
				junitSamples(w, s.Samples, k, o)
				w.WriteString("</failure>\n")
			}
			fmt.Fprintf(w, "      <system-out>%d %s</system-out>\n    </testcase>\n", n, outcomeText(o))
		}
		w.WriteString("  </testsuite>\n")
	}
	_, err := w.WriteString("</testsuites>\n")
	return err
}

// junitSamples writes the samples of key k and outcome o, one violation a
// line, as a failure's text.
func junitSamples(w *bufio.Writer, samples []Sample, k CandidateKey, o candidate.Outcome) {
	for _, s := range samples {
		if s.Type != k.Type || s.Version != k.Version || s.Outcome != o.String() {
			continue
		}
		id := ""
		if s.ID != nil {
			id = " (id " + *s.ID + ")"
		}
		w.WriteString(xmlText(fmt.Sprintf("%s:%d%s", s.Source, s.Line, id)) + "\n")
		for _, d := range s.Error.Details {
			w.WriteString(xmlText("  "+pointerText(d.InstanceLocation)+": "+d.Message+" ["+d.KeywordLocation+"]") + "\n")
		}
	}
}
