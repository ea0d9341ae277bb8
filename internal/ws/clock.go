package ws

import "time"

// rebaseEvery bounds how long frameClock derives the wall time from the
// monotonic clock before it reads the wall clock again.
const rebaseEvery = time.Second

// frameClock is the reader's clock: the connection's goroutine alone uses
// it. time.Now reads two clocks (wall and monotonic), a measurable part of
// a small frame's cost when a frame took several readings; a reading here
// reads the monotonic clock alone and derives the wall time from a base
// reading that has both. The two run at the same rate (NTP slews both),
// so they part only when the wall clock is stepped; the base is read anew
// once it is rebaseEvery old, so a step shows within that. Deadlines and
// durations compare the monotonic readings, which are exact.
type frameClock struct {
	base time.Time // a time.Now reading
	last time.Time // the latest reading
}

func newFrameClock(now time.Time) frameClock { return frameClock{base: now, last: now} }

// read reads the clock and keeps the reading as last.
func (k *frameClock) read() time.Time {
	since := time.Since(k.base)
	if since < 0 || since >= rebaseEvery {
		k.base = time.Now()
		k.last = k.base
	} else {
		k.last = k.base.Add(since)
	}
	return k.last
}
