package testkit

import (
	"strings"
	"testing"
)

// HasLines fails t for each of lines that is not a whole line of text:
// for what a text exposition must hold, such as the series of /metrics.
func HasLines(t testing.TB, text string, lines ...string) {
	t.Helper()
	for _, line := range lines {
		if !strings.Contains("\n"+text, "\n"+line+"\n") {
			t.Errorf("missing line %q in\n%s", line, text)
		}
	}
}
