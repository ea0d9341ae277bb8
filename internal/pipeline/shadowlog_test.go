package pipeline

import (
	"testing"
	"time"
)

// TestShadowLogAllow: one line per second, the first at once, each line
// counting the frames kept quiet since the one before.
func TestShadowLogAllow(t *testing.T) {
	var l shadowLog
	t0 := time.Date(2026, 11, 26, 19, 0, 0, 0, time.UTC)
	steps := []struct {
		at         time.Duration
		ok         bool
		suppressed int64
	}{
		{0, true, 0},
		{time.Millisecond, false, 0},
		{999 * time.Millisecond, false, 0},
		{time.Second, true, 2},
		{time.Second + time.Nanosecond, false, 0},
		{5 * time.Second, true, 1},
		{5 * time.Second, false, 0},
	}
	for i, s := range steps {
		n, ok := l.allow(t0.Add(s.at))
		if ok != s.ok || n != s.suppressed {
			t.Errorf("step %d at %v: (%d, %v), want (%d, %v)", i, s.at, n, ok, s.suppressed, s.ok)
		}
	}
}
