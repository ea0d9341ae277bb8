package pipeline

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// RolloutObserver hears what the rollout routes do: each comparison with a
// candidate version and each invalid frame a shadow route let through.
// Both keys are server-side (from the configuration), safe as labels.
type RolloutObserver interface {
	ObserveCandidate(key, candidate event.Key, o candidate.Outcome)
	// ObserveCandidateSkipped counts a frame the candidate did not judge:
	// the off-path queue was full, its data too large, or the pipeline closed.
	ObserveCandidateSkipped(key, candidate event.Key)
	ObserveShadow(key event.Key)
}

// candidateRoute is a route's candidate, compiled with the route: its
// comparison lives and dies with the routes it belongs to, so a pipeline
// built anew (a reload) starts a comparison of its own.
type candidateRoute struct {
	schema  *validate.Schema
	tally   *candidate.Tally
	since   time.Time
	skipped atomic.Int64 // frames not judged: the judge's queue full, data too large, or the pipeline closed
}

// rollout resolves r's candidate and mode onto rt.
func (b *Builder) rollout(rt *route, r Route) []string {
	rt.shadow = r.Shadow
	if r.Shadow {
		rt.shadowLog = &shadowLog{data: r.LogData}
	}
	if r.Candidate == 0 {
		return nil
	}
	ck := event.Key{Type: r.Key.Type, Version: r.Candidate}
	s, ok := b.reg.Lookup(ck)
	switch {
	case ck == r.Key:
		return []string{fmt.Sprintf("route %s: candidate v%d is the route's own version", r.Key, r.Candidate)}
	case !ok:
		return []string{fmt.Sprintf("route %s: candidate v%d: no schema %s/v%d.json", r.Key, r.Candidate, ck.Type, ck.Version)}
	}
	rt.candidate = &candidateRoute{schema: s, tally: candidate.NewTally(), since: time.Now()}
	return nil
}

// compare judges data by rt's candidate too and counts how the two
// verdicts compare. On the frame's goroutine, before the reply, it only
// asks the candidate's fast path: when that vouches for the data, the
// outcome is counted at once, allocating nothing. Otherwise building and
// ranking the candidate's report (microseconds, dozens of allocations)
// is left to the pipeline's judge, off the reply's path.
func (p *Pipeline) compare(rt *route, data []byte, oldValid bool) {
	c := rt.candidate
	if c.schema.Certain(data, p.opts.MaxDepth) {
		p.counted(rt, candidate.Of(oldValid, true), nil)
		return
	}
	if p.judge.offer(rt, data, oldValid) {
		return
	}
	c.skipped.Add(1)
	if p.opts.Rollout != nil {
		p.opts.Rollout.ObserveCandidateSkipped(rt.schema.Key, c.schema.Key)
	}
}

// judgeFully judges data by rt's candidate in full and counts the outcome
// and the candidate's report; the judge runs it, off the reply's path.
func (p *Pipeline) judgeFully(rt *route, data []byte, oldValid bool) {
	newErr, malformed := rt.candidate.schema.Judge(data, p.opts.MaxDepth)
	if malformed {
		return // the old version saw malformed data as well, and said so
	}
	p.counted(rt, candidate.Of(oldValid, newErr == nil), newErr)
}

// counted records one comparison's outcome in rt's tally and the observer.
func (p *Pipeline) counted(rt *route, o candidate.Outcome, newErr *status.Error) {
	c := rt.candidate
	c.tally.Add(o, newErr)
	if p.opts.Rollout != nil {
		p.opts.Rollout.ObserveCandidate(rt.schema.Key, c.schema.Key, o)
	}
}

// shadowed lets an invalid frame of a shadow route through: its report is
// counted, logged at most once a second (logShadow), and dead-lettered
// with the shadow flag, as the
// envelope it was (id, type, version, data), so that validate can replay
// it whatever door it came by.
func (p *Pipeline) shadowed(ctx context.Context, rt *route, env *envelope.Envelope, err *status.Error) {
	p.logShadow(rt.shadowLog, env, err)
	if p.opts.Rollout != nil {
		p.opts.Rollout.ObserveShadow(env.Key)
	}
	if p.opts.DeadLetter == nil {
		return
	}
	id := env.ID
	if id == "" {
		id = envelope.BareID // a bare frame has none, and an envelope needs one to replay
	}
	frame := partsFrame(id, env.Key.Type, uint64(env.Key.Version), env.Raw)
	if dlErr := p.opts.DeadLetter.RecordShadow(ctx, frame, err); dlErr != nil {
		p.opts.Logger.Error("dead letter not recorded", "err", dlErr)
	}
}

// CandidateReport is the live comparison of one route with its candidate,
// since the routes were built.
type CandidateReport struct {
	Type      string    `json:"type"`
	Version   int       `json:"version"`
	Candidate int       `json:"candidate"`
	Since     time.Time `json:"since"`
	candidate.Snapshot
	// Skipped counts the frames the candidate did not judge (its off-path
	// queue was full, the data too large to copy, or the routes were being
	// replaced): a comparison over a flood of refusals is a sample, and
	// Compared alone would not say so.
	Skipped int64 `json:"skipped"`
}

// Candidates reports every route that has a candidate, by type then
// version.
func (p *Pipeline) Candidates() []CandidateReport {
	out := []CandidateReport{}
	for k, rt := range p.routes {
		if c := rt.candidate; c != nil {
			out = append(out, CandidateReport{Type: k.Type, Version: k.Version, Candidate: c.schema.Version,
				Since: c.since.UTC(), Snapshot: c.tally.Snapshot(), Skipped: c.skipped.Load()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Version < out[j].Version
	})
	return out
}
