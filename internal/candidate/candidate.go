// Package candidate compares how two versions of one event type judge the
// same data, the route's own version ("old") and a candidate ("new"): the
// four outcomes, their counts, and the candidate's top failing keywords
// and instance paths, in bounded memory. The live pipeline and the batch
// validator (validate --candidate) both count with it, so the two
// reports name an outcome alike.
package candidate

import (
	"sync"
	"sync/atomic"

	"github.com/schemagate/schemagate/internal/ranking"
	"github.com/schemagate/schemagate/internal/status"
)

// Outcome is how the two versions judged one piece of data.
type Outcome uint8

// The outcomes, in the order reports list them.
const (
	BothValid    Outcome = iota // both accept it
	BothInvalid                 // both reject it
	OnlyOldValid                // the candidate would newly reject it
	OnlyNewValid                // the candidate would newly accept it
	numOutcomes
)

// Of is the outcome of an old and a new verdict.
func Of(oldValid, newValid bool) Outcome {
	switch {
	case oldValid && newValid:
		return BothValid
	case oldValid:
		return OnlyOldValid
	case newValid:
		return OnlyNewValid
	}
	return BothInvalid
}

// Outcomes lists every outcome, in report order.
func Outcomes() []Outcome { return []Outcome{BothValid, BothInvalid, OnlyOldValid, OnlyNewValid} }

// String is the outcome's name in metrics labels and every report.
func (o Outcome) String() string {
	switch o {
	case BothValid:
		return "both_valid"
	case BothInvalid:
		return "both_invalid"
	case OnlyOldValid:
		return "only_old_valid"
	}
	return "only_new_valid"
}

// Counts are comparisons by outcome.
type Counts struct {
	BothValid    int64 `json:"both_valid"`
	BothInvalid  int64 `json:"both_invalid"`
	OnlyOldValid int64 `json:"only_old_valid"`
	OnlyNewValid int64 `json:"only_new_valid"`
}

// Of is the count of one outcome.
func (c Counts) Of(o Outcome) int64 {
	return [...]int64{c.BothValid, c.BothInvalid, c.OnlyOldValid, c.OnlyNewValid}[o]
}

// Compared is the number of comparisons.
func (c Counts) Compared() int64 {
	return c.BothValid + c.BothInvalid + c.OnlyOldValid + c.OnlyNewValid
}

// Changed is the number of data whose verdict the candidate would change.
func (c Counts) Changed() int64 { return c.OnlyOldValid + c.OnlyNewValid }

// Snapshot is a tally as it stood when read.
type Snapshot struct {
	Outcomes Counts `json:"outcomes"`
	Compared int64  `json:"compared"`
	// TopKeywords and TopInstancePaths rank the candidate's violations,
	// over every datum it rejected (both_invalid and only_old_valid).
	TopKeywords      []ranking.Count `json:"top_keywords"`
	TopInstancePaths []ranking.Count `json:"top_instance_paths"`
}

// maxDistinct caps the keywords and instance paths a tally remembers; the
// outcome counts go on counting every comparison beyond it.
const maxDistinct = 1000

// topN is how many keywords and paths a snapshot ranks.
const topN = 10

// Tally counts comparisons. It is safe for concurrent use: the counts are
// atomic, and only a candidate's rejection takes the lock, to rank its
// violations.
type Tally struct {
	counts   [numOutcomes]atomic.Int64
	mu       sync.Mutex
	failures ranking.Failures
}

// NewTally is an empty tally.
func NewTally() *Tally { return &Tally{failures: ranking.NewFailures(maxDistinct)} }

// Add counts one comparison; newErr is the candidate's rejection, whose
// violations are ranked (nil when the candidate accepted).
func (t *Tally) Add(o Outcome, newErr *status.Error) {
	t.counts[o].Add(1)
	if newErr == nil || len(newErr.Details) == 0 {
		return
	}
	t.mu.Lock()
	t.failures.Add(newErr.Details)
	t.mu.Unlock()
}

// Snapshot reads the tally.
func (t *Tally) Snapshot() Snapshot {
	var s Snapshot
	s.Outcomes = Counts{BothValid: t.counts[BothValid].Load(), BothInvalid: t.counts[BothInvalid].Load(),
		OnlyOldValid: t.counts[OnlyOldValid].Load(), OnlyNewValid: t.counts[OnlyNewValid].Load()}
	s.Compared = s.Outcomes.Compared()
	t.mu.Lock()
	s.TopKeywords, s.TopInstancePaths = t.failures.Keywords.Top(topN), t.failures.Paths.Top(topN)
	t.mu.Unlock()
	return s
}
