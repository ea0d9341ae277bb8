package report

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// maxSamples is how many records of each changed outcome a candidate
// report shows; maxSampleData bounds the data shown with one.
const (
	maxSamples    = 10
	maxSampleData = 1024
)

// CandidateSummary is what a candidate comparison found. Its compared
// part reads like an entry of GET /v1/admin/candidates, so that a replay
// and the live comparison can be read side by side. Read is always
// Compared plus every count of NotCompared.
type CandidateSummary struct {
	Candidate int `json:"candidate"`
	Read      int `json:"read"`
	candidate.Snapshot
	NotCompared NotCompared `json:"not_compared"`
	// Blank counts whitespace-only lines, which are not events.
	Blank int `json:"blank"`
	// ByKey breaks the comparisons down by the version records named.
	ByKey []CandidateKey `json:"by_key"`
	// Samples are the first records of each changed outcome, in input order.
	Samples     []Sample      `json:"samples"`
	Interrupted bool          `json:"interrupted"`
	Elapsed     time.Duration `json:"-"`
}

// NotCompared counts the records the candidate did not judge, by why.
type NotCompared struct {
	Unknown          int `json:"unknown"`           // no schema for the version it names
	Malformed        int `json:"malformed"`         // not an envelope, or not JSON
	NoCandidate      int `json:"no_candidate"`      // its type has no schema of the candidate version
	AlreadyCandidate int `json:"already_candidate"` // it names the candidate version
	// Undelivered counts a dead letter's webhook records, events a
	// webhook gave up on: not frames, and not malformed either.
	Undelivered int `json:"undelivered"`
}

// CandidateKey is the comparison of the records of one type and version.
type CandidateKey struct {
	Type      string           `json:"type"`
	Version   int              `json:"version"`
	Candidate int              `json:"candidate"`
	Outcomes  candidate.Counts `json:"outcomes"`
}

// Sample is one record whose verdict the candidate would change. Error is
// the refusal: the candidate's for only_old_valid, the named version's for
// only_new_valid.
type Sample struct {
	Source    string          `json:"source"`
	Line      int             `json:"line"`
	ID        *string         `json:"id"`
	Type      string          `json:"type"`
	Version   int             `json:"version"`
	Candidate int             `json:"candidate"`
	Outcome   string          `json:"outcome"`
	Error     *status.Error   `json:"error"`
	Data      json.RawMessage `json:"data,omitempty"` // left out past 1 KiB
}

// ExitCode is 1 when the candidate would refuse a record the version it
// names accepts, 0 otherwise: loosening is not a failure.
func (s CandidateSummary) ExitCode() int {
	if s.Outcomes.OnlyOldValid > 0 {
		return 1
	}
	return 0
}

// candidateTally builds a CandidateSummary from results in input order.
type candidateTally struct {
	s       CandidateSummary
	all     *candidate.Tally
	keys    map[event.Key]*candidate.Counts
	samples map[candidate.Outcome]int
}

func newCandidateTally(version int) *candidateTally {
	return &candidateTally{s: CandidateSummary{Candidate: version}, all: candidate.NewTally(),
		keys: map[event.Key]*candidate.Counts{}, samples: map[candidate.Outcome]int{}}
}

func (t *candidateTally) add(r *result) {
	if r.outcome == outcomeBlank {
		t.s.Blank++
		return
	}
	t.s.Read++
	nc := &t.s.NotCompared
	switch {
	case r.outcome == outcomeUnknown:
		nc.Unknown++
	case r.undelivered:
		nc.Undelivered++
	case r.outcome == outcomeMalformed:
		nc.Malformed++
	case r.cmp.skip == skipNoCandidate:
		nc.NoCandidate++
	case r.cmp.skip == skipAtCandidate:
		nc.AlreadyCandidate++
	default:
		t.compared(r)
	}
}

func (t *candidateTally) compared(r *result) {
	c := r.cmp
	t.all.Add(c.outcome, c.newErr)
	kc := t.keys[r.key] // keys with a schema only: bounded by the tree
	if kc == nil {
		kc = &candidate.Counts{}
		t.keys[r.key] = kc
	}
	switch c.outcome {
	case candidate.BothValid:
		kc.BothValid++
	case candidate.BothInvalid:
		kc.BothInvalid++
	case candidate.OnlyOldValid:
		kc.OnlyOldValid++
		t.sample(r, c.newErr)
	case candidate.OnlyNewValid:
		kc.OnlyNewValid++
		t.sample(r, r.err)
	}
}

func (t *candidateTally) sample(r *result, refusal *status.Error) {
	c := r.cmp
	if t.samples[c.outcome] >= maxSamples {
		return
	}
	t.samples[c.outcome]++
	s := Sample{Source: r.src.name, Line: r.line, Type: r.key.Type, Version: r.key.Version,
		Candidate: c.newKey.Version, Outcome: c.outcome.String(), Error: refusal}
	if r.hasID {
		id := r.id // r is reused once reported
		s.ID = &id
	}
	if len(c.data) <= maxSampleData {
		s.Data = bytes.Clone(c.data) // not the record's whole line
	}
	t.s.Samples = append(t.s.Samples, s)
}

func (t *candidateTally) summary(elapsed time.Duration, interrupted bool) CandidateSummary {
	s := t.s
	s.Snapshot, s.Elapsed, s.Interrupted = t.all.Snapshot(), elapsed, interrupted
	s.ByKey = make([]CandidateKey, 0, len(t.keys))
	for k, c := range t.keys {
		s.ByKey = append(s.ByKey, CandidateKey{Type: k.Type, Version: k.Version, Candidate: s.Candidate, Outcomes: *c})
	}
	sort.Slice(s.ByKey, func(i, j int) bool {
		a, b := s.ByKey[i], s.ByKey[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Version < b.Version
	})
	if s.Samples == nil {
		s.Samples = []Sample{}
	}
	return s
}
