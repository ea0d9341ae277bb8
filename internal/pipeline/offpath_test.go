package pipeline_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
)

// gatedSeen holds the judge inside its first count until the gate opens,
// so the queue behind it fills.
type gatedSeen struct {
	rolloutSeen
	once    sync.Once
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedSeen) ObserveCandidate(key, cand event.Key, o candidate.Outcome) {
	if o == candidate.OnlyOldValid {
		g.once.Do(func() {
			close(g.entered)
			<-g.gate
		})
	}
	g.rolloutSeen.ObserveCandidate(key, cand, o)
}

// TestCandidateQueueFullSkips stalls the candidate's judge and keeps
// sending frames the candidate refuses: every reply still comes, the
// frames that find the queue full are counted as skipped, and once the
// judge runs again every frame is either compared or skipped.
func TestCandidateQueueFullSkips(t *testing.T) {
	b := pipeline.NewBuilder(rolloutRegistry(t))
	b.Route(pipeline.Route{Key: person1, Candidate: 2})
	seen := &gatedSeen{entered: make(chan struct{}), gate: make(chan struct{})}
	p, err := b.Build(pipeline.Options{Rollout: seen})
	if err != nil {
		t.Fatal(err)
	}
	refused := []byte(`{"id":"r","type":"person","version":1,"data":{"name":"Ana","age":30,"city":"Lima"}}`)
	send := func() {
		if out := p.Envelope(context.Background(), refused, time.Now(), nil); out.Code != codes.OK {
			t.Fatalf("code %v, want v1's ack: %s", out.Code, out.Reply)
		}
	}
	send()
	<-seen.entered // the judge is inside the first frame's count, and stays there
	sent := 1
	for p.CandidateSkipped() < 3 {
		if sent > 100000 {
			t.Fatal("the queue never filled")
		}
		send()
		sent++
	}
	close(seen.gate)
	p.Close()
	rep := p.Candidates()[0]
	seen.mu.Lock()
	observed := seen.skipped
	seen.mu.Unlock()
	if rep.Compared+rep.Skipped != int64(sent) || rep.Skipped != p.CandidateSkipped() || int64(observed) != rep.Skipped ||
		rep.Outcomes.OnlyOldValid != rep.Compared {
		t.Errorf("sent %d: compared %d (%+v), skipped %d (pipeline %d), observed skipped %d", sent, rep.Compared,
			rep.Outcomes, rep.Skipped, p.CandidateSkipped(), observed)
	}
	// After Close a refused frame is still answered, and counted as skipped.
	before := p.CandidateSkipped()
	send()
	if p.CandidateSkipped() != before+1 {
		t.Errorf("after Close: skipped %d, want %d", p.CandidateSkipped(), before+1)
	}
}
