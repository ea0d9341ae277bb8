package report

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// pinnedClock is a clock that never moves, so that elapsed times are zero
// and generated-at stamps are one value: golden files stay byte-stable.
func pinnedClock() func() time.Time {
	t := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	return func() time.Time { return t }
}

func fixtureRegistry(t testing.TB) *validate.Registry {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatalf("load fixture schemas: %v", err)
	}
	return reg
}

// fixtureOptions reads the whole fixture folder with two workers, so that
// results arrive out of order and the reorder buffer is exercised.
func fixtureOptions(t testing.TB) Options {
	return Options{Registry: fixtureRegistry(t), Inputs: []string{"testdata/events"}, Workers: 2, now: pinnedClock()}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"text.txt", func(o *Options) {}},
		{"text-color.txt", func(o *Options) { o.Color = true }},
		{"text-quiet.txt", func(o *Options) { o.Quiet = true }},
		{"text-max-errors.txt", func(o *Options) { o.MaxErrors = 3 }},
		{"text-bare.txt", func(o *Options) {
			o.Inputs, o.Type, o.Version = []string{"testdata/bare/person.ndjson"}, "person", 1
		}},
		{"json.json", func(o *Options) { o.Format = FormatJSON }},
		{"json-stream.ndjson", func(o *Options) { o.Format, o.Stream = FormatJSON, true }},
		{"json-quiet.json", func(o *Options) { o.Format, o.Quiet = FormatJSON, true }},
		{"junit.xml", func(o *Options) { o.Format = FormatJUnit }},
		{"html.html", func(o *Options) { o.Format = FormatHTML }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := fixtureOptions(t)
			c.edit(&o)
			var out bytes.Buffer
			if _, err := Run(context.Background(), o, &out); err != nil {
				t.Fatalf("Run: %v", err)
			}
			testkit.Golden(t, filepath.Join("testdata", "golden", c.name), out.Bytes(), *update)
		})
	}
}

// TestGoldenCandidate replays the fixture events and a dead letter file
// against person v2 in every format.
func TestGoldenCandidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"candidate.txt", func(o *Options) {}},
		{"candidate-color.txt", func(o *Options) { o.Color = true }},
		{"candidate-quiet.txt", func(o *Options) { o.Quiet = true }},
		{"candidate-bare.txt", func(o *Options) {
			o.Inputs, o.Type, o.Version = []string{"testdata/bare/person.ndjson"}, "person", 1
		}},
		{"candidate.json", func(o *Options) { o.Format = FormatJSON }},
		{"candidate.xml", func(o *Options) { o.Format = FormatJUnit }},
		{"candidate.html", func(o *Options) { o.Format = FormatHTML }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := fixtureOptions(t)
			o.Inputs = append(o.Inputs, "testdata/deadletter")
			o.Candidate = 2
			c.edit(&o)
			var out bytes.Buffer
			if _, err := RunCandidate(context.Background(), o, &out); err != nil {
				t.Fatalf("RunCandidate: %v", err)
			}
			testkit.Golden(t, filepath.Join("testdata", "golden", c.name), out.Bytes(), *update)
		})
	}
}

// TestCandidateCountsAddUp: every record read is compared or counted
// among the reasons it was not, and the breakdown adds up to the total.
func TestCandidateCountsAddUp(t *testing.T) {
	o := fixtureOptions(t)
	o.Inputs, o.Candidate = append(o.Inputs, "testdata/deadletter"), 2
	var out bytes.Buffer
	s, err := RunCandidate(context.Background(), o, &out)
	if err != nil {
		t.Fatal(err)
	}
	nc := s.NotCompared
	if int64(s.Read) != s.Compared+int64(nc.Unknown+nc.Malformed+nc.NoCandidate+nc.AlreadyCandidate+nc.Undelivered) || s.Compared == 0 {
		t.Fatalf("counts do not add up: %+v", s)
	}
	// The dead letter's webhook record is counted as what it is.
	if nc.Undelivered != 1 {
		t.Errorf("undelivered webhook records %d, want 1", nc.Undelivered)
	}
	var byKey int64
	for _, k := range s.ByKey {
		byKey += k.Outcomes.Compared()
	}
	if byKey != s.Compared || s.Outcomes.Compared() != s.Compared {
		t.Fatalf("by key %d, outcomes %d, compared %d", byKey, s.Outcomes.Compared(), s.Compared)
	}
}
