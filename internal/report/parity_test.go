package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/report"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// reportLine and reply are the parts of a report line and of a server
// reply that must agree.
type reportLine struct {
	Line    int           `json:"line"`
	ID      *string       `json:"id"`
	Status  string        `json:"status"`
	Error   *status.Error `json:"error"`
	Summary any           `json:"summary"`
}

type reply struct {
	ID    *string       `json:"id"`
	OK    bool          `json:"ok"`
	Error *status.Error `json:"error"`
}

// TestParityWithPipeline holds the report to the server's own answers:
// every line of the fixtures goes through the live pipeline too, and the
// report must say valid exactly when the server accepts, with the same id
// and the same error (code, message, details) when it refuses. It lives in
// an external test package because the report may not import the
// pipeline; only this cross-check does.
func TestParityWithPipeline(t *testing.T) {
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.NewBuilder(reg).Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		bare event.Key
	}{
		{"testdata/events/envelopes.ndjson", event.Key{}},
		{"testdata/bare/person.ndjson", event.Key{Type: "person", Version: 1}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			frames := strings.Split(string(raw), "\n")
			for _, r := range reportLines(t, reg, c.file, c.bare) {
				frame := []byte(frames[r.Line-1])
				var out pipeline.Outcome
				if c.bare.Type != "" {
					out = p.Bare(context.Background(), c.bare, frame, time.Now(), nil, false)
				} else {
					out = p.Envelope(context.Background(), frame, time.Now(), nil)
				}
				compare(t, r, out.Reply, c.bare.Type != "")
			}
		})
	}
}

func reportLines(t *testing.T, reg *validate.Registry, file string, bare event.Key) []reportLine {
	t.Helper()
	var buf bytes.Buffer
	o := report.Options{Registry: reg, Inputs: []string{file}, Format: report.FormatJSON, Stream: true,
		Type: bare.Type, Version: bare.Version}
	if _, err := report.Run(context.Background(), o, &buf); err != nil {
		t.Fatal(err)
	}
	var lines []reportLine
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var l reportLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Summary == nil {
			lines = append(lines, l)
		}
	}
	return lines
}

func compare(t *testing.T, r reportLine, raw []byte, bare bool) {
	t.Helper()
	var rep reply
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("line %d: reply %s: %v", r.Line, raw, err)
	}
	if rep.OK != (r.Status == "valid") {
		t.Errorf("line %d: the report says %s, the server ok=%v", r.Line, r.Status, rep.OK)
	}
	if !bare && !reflect.DeepEqual(rep.ID, r.ID) {
		t.Errorf("line %d: id %v in the report, %v in the reply", r.Line, deref(r.ID), deref(rep.ID))
	}
	if !reflect.DeepEqual(rep.Error, r.Error) {
		t.Errorf("line %d: the report's error\n  %+v\nis not the server's\n  %+v", r.Line, r.Error, rep.Error)
	}
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
