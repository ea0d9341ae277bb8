package main

import (
	"strings"
	"testing"
	"time"
)

// The outbox rows: medians of the rounds, each round's ratio to the file
// action of the same round, the verdict on the median ratio against 0.8x.
func TestSinkLine(t *testing.T) {
	var b strings.Builder
	us := time.Microsecond
	report{sinks: &sinkResult{
		file:       []measurement{{rate: 1000, cpuPerAck: 20 * us}, {rate: 2000, cpuPerAck: 10 * us}, {rate: 1500, cpuPerAck: 15 * us}},
		outboxDown: []measurement{{rate: 900, cpuPerAck: 25 * us}, {rate: 1700, cpuPerAck: 12 * us}, {rate: 1400, cpuPerAck: 16 * us}},
		outbox:     []measurement{{rate: 400, cpuPerAck: 60 * us}, {rate: 1800, cpuPerAck: 11 * us}, {rate: 600, cpuPerAck: 40 * us}},
		delivered:  []float64{350, 100, 200},
	}}.sinkLine(&b)
	for _, want := range []string{"3 round(s), medians; file action 1500 acks/s, 15.0 µs CPU per ack",
		"| receiver down: the ack path alone | 1400 | 16.0 µs | ≥ 0.8x | 0.90x | 0.90x 0.85x 0.93x | yes |",
		"| receiver up: delivering on the same cores meanwhile | 600 | 40.0 µs | ≥ 0.8x | 0.40x | 0.40x 0.90x 0.40x | no |",
		"The receiver took 200 deliveries/s (median)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	report{sinks: &sinkResult{file: []measurement{{rate: 1000}}, err: "boom"}}.sinkLine(&b)
	if !strings.Contains(b.String(), "not measured (boom)") {
		t.Errorf("a failed run: %s", b.String())
	}
}
