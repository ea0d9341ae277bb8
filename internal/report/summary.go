package report

import (
	"sort"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/ranking"
)

// topN is how many keywords and instance paths a summary ranks.
const topN = 10

// Caps on distinct names remembered, so that input full of made-up types
// or property names cannot grow the summary without bound. Beyond them the
// totals still count every event; only the breakdown stops growing.
const (
	maxUnknownKeys = 1000
	maxDistinct    = 10000
)

// Summary is what a run found, in counts. Read is always Valid + Invalid +
// Unknown + Malformed: every record read is exactly one of them.
type Summary struct {
	Read      int `json:"read"`
	Valid     int `json:"valid"`
	Invalid   int `json:"invalid"`   // data does not match its schema
	Unknown   int `json:"unknown"`   // no schema for the type and version
	Malformed int `json:"malformed"` // not JSON, not an object, or an envelope rule broken
	// Blank counts whitespace-only lines: not events, so not in Read, but
	// counted so that nothing in the input goes unmentioned.
	Blank int `json:"blank"`
	// ByKey breaks down the events whose type and version could be read,
	// ordered by type then version.
	ByKey []KeyCount `json:"byKey"`
	// TopKeywords ranks the schema keywords that failed most (counted per
	// violation; "minimum", "required", ...).
	TopKeywords []Count `json:"topKeywords"`
	// TopInstancePaths ranks the failing instance locations, with array
	// indexes folded into "*" so that /items/3/sku and /items/7/sku add up.
	TopInstancePaths []Count `json:"topInstancePaths"`
	// Stopped says the run ended at MaxErrors failing events, so the rest
	// of the input was not read.
	Stopped bool `json:"stopped"`
	// Interrupted says the context ended the run early.
	Interrupted bool `json:"interrupted"`
	// Elapsed is the run's wall time.
	Elapsed time.Duration `json:"-"`
}

// KeyCount is the breakdown for one type and version.
type KeyCount struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Read    int    `json:"read"`
	Valid   int    `json:"valid"`
	Invalid int    `json:"invalid"`
	Unknown int    `json:"unknown"` // all of Read when no schema has this key
}

// Count is one ranked name and how often it failed.
type Count = ranking.Count

// Failed is the number of events that count against the batch.
func (s Summary) Failed() int { return s.Invalid + s.Unknown + s.Malformed }

// ExitCode is the process exit code for the batch: 0 when every event is
// valid, 1 when any is invalid, unknown or malformed.
func (s Summary) ExitCode() int {
	if s.Failed() > 0 {
		return 1
	}
	return 0
}

// tally builds a Summary from results as they are reported.
type tally struct {
	s         Summary
	maxErrors int
	keys      map[event.Key]*KeyCount
	unknown   int // distinct unknown keys in keys
	failures  ranking.Failures
	stopped   bool
}

func newTally(maxErrors int) *tally {
	return &tally{maxErrors: maxErrors, keys: make(map[event.Key]*KeyCount),
		failures: ranking.NewFailures(maxDistinct)}
}

func (t *tally) add(r *result) {
	switch r.outcome {
	case outcomeBlank:
		t.s.Blank++
		return
	case outcomeValid:
		t.s.Valid++
	case outcomeInvalid:
		t.s.Invalid++
	case outcomeUnknown:
		t.s.Unknown++
	case outcomeMalformed:
		t.s.Malformed++
	}
	t.s.Read++
	if r.outcome != outcomeMalformed {
		t.byKey(r)
	}
	if r.err != nil {
		t.failures.Add(r.err.Details)
	}
	if r.failed() && t.maxErrors > 0 && t.s.Failed() >= t.maxErrors {
		t.stopped = true
	}
}

func (t *tally) byKey(r *result) {
	kc := t.keys[r.key]
	if kc == nil {
		if r.outcome == outcomeUnknown {
			if t.unknown >= maxUnknownKeys {
				return
			}
			t.unknown++
		}
		kc = &KeyCount{Type: r.key.Type, Version: r.key.Version}
		t.keys[r.key] = kc
	}
	kc.Read++
	switch r.outcome {
	case outcomeValid:
		kc.Valid++
	case outcomeInvalid:
		kc.Invalid++
	case outcomeUnknown:
		kc.Unknown++
	}
}

// summary is the Summary so far; the run stopped early when the last
// failing event reached MaxErrors.
func (t *tally) summary(elapsed time.Duration, interrupted bool) Summary {
	s := t.s
	s.Stopped, s.Interrupted, s.Elapsed = t.stopped, interrupted, elapsed
	s.ByKey = make([]KeyCount, 0, len(t.keys))
	for _, kc := range t.keys {
		s.ByKey = append(s.ByKey, *kc)
	}
	sort.Slice(s.ByKey, func(i, j int) bool {
		a, b := s.ByKey[i], s.ByKey[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Version < b.Version
	})
	s.TopKeywords, s.TopInstancePaths = t.failures.Keywords.Top(topN), t.failures.Paths.Top(topN)
	return s
}
