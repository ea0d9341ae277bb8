package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressLine draws the bar from the bytes read against the inputs'
// size, and the counts.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, total: 200, start: time.Now().Add(-2 * time.Second)}
	p.read(50)
	p.add(&result{outcome: outcomeValid})
	p.add(&result{outcome: outcomeInvalid})
	p.add(&result{outcome: outcomeBlank})
	p.draw()
	line := buf.String()
	for _, want := range []string{"\r\x1b[K[======                  ]  25%", "2 events, 1 failing"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
}

// TestProgressQuietOnShortRuns: a run shorter than the delay draws
// nothing, and a nil progress (no terminal) is safe to use.
func TestProgressQuietOnShortRuns(t *testing.T) {
	var buf bytes.Buffer
	o := fixtureOptions(t)
	o.Progress = &buf
	runText(t, o)
	if buf.Len() != 0 {
		t.Fatalf("a short run drew %q", buf.String())
	}
	var p *progress
	p.read(1)
	p.add(&result{})
	p.stop()
}
