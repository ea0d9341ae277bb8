package compat

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// The output formats.
const (
	FormatText   = "text"
	FormatJSON   = "json"
	FormatJUnit  = "junit"
	FormatGitHub = "github"
)

// Formats lists the output formats.
func Formats() []string { return []string{FormatText, FormatJSON, FormatJUnit, FormatGitHub} }

// WriteOptions says how to write a report.
type WriteOptions struct {
	// FailOn is the least severity that fails the run (Error by default).
	FailOn Severity
	// Dir is the schema dir as the user named it, put in front of file
	// names in GitHub annotations so that they point into the repository.
	Dir string
	// Source reads a document of the checked tree by its path within the
	// tree, for the line numbers of GitHub annotations (nil: none).
	Source func(path string) ([]byte, error)
}

func (o WriteOptions) failOn() Severity {
	if o.FailOn == "" {
		return Error
	}
	return o.FailOn
}

// Write renders r in format.
func Write(w io.Writer, r *Report, format string, o WriteOptions) error {
	switch format {
	case FormatText, "":
		return writeText(w, r, o)
	case FormatJSON:
		return writeJSON(w, r, o)
	case FormatJUnit:
		return writeJUnit(w, r, o)
	case FormatGitHub:
		return writeGitHub(w, r, o)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// pairName is "v1 → v2 backward", or "v2 (main) → v2 backward".
func pairName(p Pair) string {
	if p.New.Label == "" {
		return strings.TrimPrefix(p.Old.Label, p.Type+" ") + " removed"
	}
	return fmt.Sprintf("%s → %s %s", strings.TrimPrefix(p.Old.Label, p.Type+" "),
		strings.TrimPrefix(p.New.Label, p.Type+" "), p.Dir)
}

func writeText(w io.Writer, r *Report, o WriteOptions) error {
	var b strings.Builder
	breaking := 0
	for _, p := range r.Pairs {
		verdict := "compatible"
		if n := len(p.Findings); n > 0 {
			verdict = countText(p.Findings)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", p.Type, pairName(p), verdict)
		for _, f := range p.Findings {
			writeFinding(&b, f)
		}
		if hasSeverity(p.Findings, o.failOn()) {
			breaking++
		}
	}
	fmt.Fprintf(&b, "\n%s judged: %d failing; %s, %s\n", plural(len(r.Pairs), "pair"), breaking,
		plural(r.Count(Error), "error"), plural(r.Count(Warning), "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFinding(b *strings.Builder, f Finding) {
	at := f.Instance
	if at == "" {
		at = "(root)"
	}
	fmt.Fprintf(b, "  %-7s %s at %s\n", f.Severity, f.Rule, at)
	fmt.Fprintf(b, "      %s\n", f.Message)
	if f.New.Location != "" {
		fmt.Fprintf(b, "      old: %s  new: %s\n", f.Old.Location, f.New.Location)
	} else {
		fmt.Fprintf(b, "      old: %s\n", f.Old.Location)
	}
	if f.Counterexample != nil {
		fmt.Fprintf(b, "      counterexample: %s\n", f.Counterexample)
	}
}

func countText(fs []Finding) string {
	e, w := 0, 0
	for _, f := range fs {
		if f.Severity == Error {
			e++
		} else {
			w++
		}
	}
	var parts []string
	if e > 0 {
		parts = append(parts, plural(e, "error"))
	}
	if w > 0 {
		parts = append(parts, plural(w, "warning"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func hasSeverity(fs []Finding, s Severity) bool {
	for _, f := range fs {
		if f.Severity.AtLeast(s) {
			return true
		}
	}
	return false
}

// ExitCode is the process exit code for r: 1 when a finding reaches
// failOn, else 0.
func (r *Report) ExitCode(failOn Severity) int {
	if failOn == "" {
		failOn = Error
	}
	if r.Fails(failOn) {
		return 1
	}
	return 0
}

func writeJSON(w io.Writer, r *Report, o WriteOptions) error {
	doc := struct {
		Pairs   []Pair `json:"pairs"`
		Summary struct {
			Pairs    int    `json:"pairs"`
			Errors   int    `json:"errors"`
			Warnings int    `json:"warnings"`
			FailOn   string `json:"failOn"`
			ExitCode int    `json:"exitCode"`
		} `json:"summary"`
	}{Pairs: r.Pairs}
	if doc.Pairs == nil {
		doc.Pairs = []Pair{}
	}
	doc.Summary.Pairs, doc.Summary.Errors, doc.Summary.Warnings = len(r.Pairs), r.Count(Error), r.Count(Warning)
	doc.Summary.FailOn, doc.Summary.ExitCode = string(o.failOn()), r.ExitCode(o.failOn())
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
