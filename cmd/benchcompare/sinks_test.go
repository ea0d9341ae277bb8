package main

import (
	"strings"
	"testing"
	"time"
)

// The outbox rows: each ratio to the file action, judged against 0.8x.
func TestSinkLine(t *testing.T) {
	var b strings.Builder
	report{sinks: &sinkResult{
		file:       measurement{rate: 1000, cpuPerAck: 20 * time.Microsecond},
		outboxDown: measurement{rate: 900, cpuPerAck: 25 * time.Microsecond},
		outbox:     measurement{rate: 400, cpuPerAck: 60 * time.Microsecond},
		delivered:  350,
	}}.sinkLine(&b)
	for _, want := range []string{"file action 1000 acks/s, 20.0 µs CPU per ack",
		"| receiver down: the ack path alone | 900 | 25.0 µs | ≥ 0.8x | 0.90x | yes |",
		"| receiver up: delivering on the same cores meanwhile | 400 | 60.0 µs | ≥ 0.8x | 0.40x | no |",
		"The receiver took 350 deliveries/s while the receiver-up row ran"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	report{sinks: &sinkResult{file: measurement{rate: 1000}, outbox: measurement{err: "boom"}}}.sinkLine(&b)
	if !strings.Contains(b.String(), "not measured (boom)") {
		t.Errorf("a failed run: %s", b.String())
	}
}
