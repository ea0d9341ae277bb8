package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/status"
)

// shadowLogEvery is how often a shadow route may log an invalid frame it
// let through. The metric and the dead letter keep every one; the log
// line only says that they are happening, and what they break.
const shadowLogEvery = time.Second

// shadowLog limits a shadow route's WARN lines to one per shadowLogEvery,
// counting the frames it kept quiet about for the next line. A frame
// that is not logged pays two atomic operations and takes no lock.
type shadowLog struct {
	next       atomic.Int64 // unix nanoseconds when the next line may go
	suppressed atomic.Int64
	// data lets the violations' messages and instance locations, which
	// quote and locate the event's data, into the line (the route's
	// log.data); otherwise it names only the schema keywords broken.
	data bool
}

// allow says whether a frame invalid at now is logged and, if so, how many
// were not since the last line.
func (l *shadowLog) allow(now time.Time) (suppressed int64, ok bool) {
	n := l.next.Load()
	if now.UnixNano() < n || !l.next.CompareAndSwap(n, now.Add(shadowLogEvery).UnixNano()) {
		l.suppressed.Add(1)
		return 0, false
	}
	return l.suppressed.Swap(0), true
}

// logShadow writes the shadow route's line for env, if its turn has come.
func (p *Pipeline) logShadow(l *shadowLog, env *envelope.Envelope, err *status.Error) {
	suppressed, ok := l.allow(time.Now())
	if !ok {
		return
	}
	args := []any{"id", env.ID, "type", env.Key.Type, "version", env.Key.Version, "message", err.Message,
		"violations", len(err.Details) + err.Omitted, "suppressed", suppressed}
	if l.data {
		args = append(args, "details", err.Details, "omitted", err.Omitted)
	} else {
		args = append(args, "keywords", keywords(err.Details))
	}
	p.opts.Logger.Warn("shadow: invalid event accepted", args...)
}

// keywords lists the schema locations of violations: what the data broke,
// without the data.
func keywords(ds []status.Detail) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.KeywordLocation
	}
	return out
}
