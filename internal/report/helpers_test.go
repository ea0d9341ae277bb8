package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// streamed is one line of the NDJSON report, result or summary.
type streamed struct {
	Source  string       `json:"source"`
	Line    int          `json:"line"`
	ID      *string      `json:"id"`
	Type    string       `json:"type"`
	Version int          `json:"version"`
	Status  string       `json:"status"`
	Error   *streamedErr `json:"error"`
	Summary *Summary     `json:"summary"`
}

type streamedErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// writeInput puts content in a file of the given name under a fresh
// temporary folder and returns its path.
func writeInput(t testing.TB, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runStream runs o with NDJSON output and returns the results and the
// summary the stream ends with, checking that it matches the returned one.
func runStream(t testing.TB, o Options) ([]streamed, Summary) {
	t.Helper()
	o.Format, o.Stream = FormatJSON, true
	if o.Registry == nil {
		o.Registry = fixtureRegistry(t)
	}
	var out bytes.Buffer
	sum, err := Run(context.Background(), o, &out)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var results []streamed
	var last *Summary
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s streamed
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		if s.Summary != nil {
			last = s.Summary
			continue
		}
		results = append(results, s)
	}
	if last == nil || last.Read != sum.Read || last.Failed() != sum.Failed() {
		t.Fatalf("streamed summary %+v does not match the returned one %+v", last, sum)
	}
	return results, sum
}

// statuses lists "line:status" for each result, for compact comparisons.
func statuses(rs []streamed) []string {
	var out []string
	for _, r := range rs {
		out = append(out, itoa(r.Line)+":"+r.Status)
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
