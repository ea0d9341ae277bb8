package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/schemagate/schemagate/internal/candidate"
)

// writeCandidate writes a candidate comparison in o.Format.
func writeCandidate(o *Options, w *bufio.Writer, s *CandidateSummary) error {
	switch o.Format {
	case FormatJSON:
		return writeCandidateJSON(w, s)
	case FormatJUnit:
		return writeCandidateJUnit(w, s, o.now)
	case FormatHTML:
		return writeCandidateHTML(w, s, o.now)
	}
	return (&textSink{w: w, color: o.Color}).candidate(s, o.Quiet)
}

// jsonCandidate is the json format of a comparison: one document.
type jsonCandidate struct {
	*CandidateSummary
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	ExitCode       int     `json:"exit_code"`
}

func writeCandidateJSON(w *bufio.Writer, s *CandidateSummary) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonCandidate{CandidateSummary: s, ElapsedSeconds: s.Elapsed.Seconds(), ExitCode: s.ExitCode()})
}

// outcomeText names an outcome for people.
func outcomeText(o candidate.Outcome) string {
	return [...]string{"both valid", "both invalid", "only old valid (the candidate would refuse)",
		"only new valid (the candidate would accept)"}[o]
}

// candidate writes the comparison for a person reading a terminal: the
// counts, the breakdown, the candidate's failures, then the samples
// (left out when quiet).
func (t *textSink) candidate(s *CandidateSummary, quiet bool) error {
	fmt.Fprintf(t.w, "%s %s read, %s compared with v%d, the candidate, in %s:\n", t.style(styleBold, fmt.Sprint(s.Read)),
		plural(s.Read, "event", "events"), fmt.Sprint(s.Compared), s.Candidate, s.Elapsed.Round(time.Millisecond))
	for _, o := range candidate.Outcomes() {
		n := s.Outcomes.Of(o)
		line := fmt.Sprintf("  %d %s", n, outcomeText(o))
		switch {
		case o == candidate.OnlyOldValid && n > 0:
			line = t.style(styleRed, line)
		case o == candidate.OnlyNewValid && n > 0:
			line = t.style(styleYellow, line)
		}
		t.w.WriteString(line + "\n")
	}
	nc := s.NotCompared
	fmt.Fprintf(t.w, "not compared: %d unknown, %d malformed, %d with no v%d of their type, %d already v%d",
		nc.Unknown, nc.Malformed, nc.NoCandidate, s.Candidate, nc.AlreadyCandidate, s.Candidate)
	if nc.Undelivered > 0 {
		fmt.Fprintf(t.w, ", %d undelivered webhook %s", nc.Undelivered, plural(nc.Undelivered, "record", "records"))
	}
	if s.Blank > 0 {
		fmt.Fprintf(t.w, " (and %d blank %s)", s.Blank, plural(s.Blank, "line", "lines"))
	}
	t.w.WriteString("\n")
	if len(s.ByKey) > 0 {
		t.w.WriteString("by type/version:\n")
		t.candidateKeys(s.ByKey)
	}
	t.ranking("candidate's top failing keywords:      ", s.TopKeywords)
	t.ranking("candidate's top failing instance paths:", s.TopInstancePaths)
	if !quiet {
		t.samples(s.Samples)
	}
	var err error
	if s.Interrupted {
		_, err = t.w.WriteString("interrupted; the rest of the input was not read\n")
	}
	return err
}

func (t *textSink) candidateKeys(keys []CandidateKey) {
	t.table(func(tw io.Writer) {
		for _, k := range keys {
			c := k.Outcomes
			fmt.Fprintf(tw, "  %s v%d → v%d\t%d compared\t%s\t%s\t%s\t%s\n", printable(k.Type), k.Version, k.Candidate, c.Compared(),
				countOrNothing(int(c.BothValid), "both valid"), countOrNothing(int(c.BothInvalid), "both invalid"),
				countOrNothing(int(c.OnlyOldValid), "only old valid"), countOrNothing(int(c.OnlyNewValid), "only new valid"))
		}
	})
}

// samples writes each sample as a failing event is written, with the
// refusing version's violations and the data.
func (t *textSink) samples(samples []Sample) {
	for i, s := range samples {
		if i == 0 {
			t.w.WriteString("\nsamples:\n")
		}
		fields := []string{t.style(styleBold, printable(s.Source+":"+fmt.Sprint(s.Line))), s.Outcome}
		if s.ID != nil {
			fields = append(fields, "id="+printable(*s.ID))
		}
		fields = append(fields, fmt.Sprintf("%s v%d → v%d", printable(s.Type), s.Version, s.Candidate))
		t.w.WriteString(strings.Join(fields, "  ") + "\n")
		if s.Error != nil {
			t.details(s.Error)
		}
		if s.Data != nil {
			t.w.WriteString("    data: " + printable(string(s.Data)) + "\n")
		}
	}
}
