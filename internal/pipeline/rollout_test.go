package pipeline_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/ranking"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

var person1 = event.Key{Type: "person", Version: 1}

// rolloutSeen records what a RolloutObserver is told.
type rolloutSeen struct {
	mu       sync.Mutex
	outcomes []string
	shadowed []event.Key
	skipped  int
}

func (r *rolloutSeen) ObserveCandidateSkipped(key, cand event.Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skipped++
}

func (r *rolloutSeen) ObserveCandidate(key, cand event.Key, o candidate.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes = append(r.outcomes, key.Name()+">"+cand.Name()+" "+o.String())
}

func (r *rolloutSeen) ObserveShadow(key event.Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shadowed = append(r.shadowed, key)
}

func rolloutRegistry(t *testing.T) *validate.Registry {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: testkit.RolloutSchemas(t)})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestCandidateJudgesBesideTheRoute sends one frame of each outcome to a
// v1 route with candidate v2: the client gets v1's verdict every time,
// and the comparison counts each outcome with the candidate's violations.
func TestCandidateJudgesBesideTheRoute(t *testing.T) {
	reg := rolloutRegistry(t)
	b := pipeline.NewBuilder(reg)
	sink := &keptIDs{ids: map[string]int{}}
	b.Route(pipeline.Route{Key: person1, Candidate: 2, Actions: []pipeline.NamedAction{{Name: "k", Action: sink}}})
	seen := &rolloutSeen{}
	p, err := b.Build(pipeline.Options{Rollout: seen})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, data string
		code     codes.Code
		outcome  string
	}{
		{"old-only", `{"name":"Ana","age":30,"city":"Lima"}`, codes.OK, "only_old_valid"},
		{"both", `{"name":"Ana","age":30,"city":"Lima","email":"a@example.com"}`, codes.OK, "both_valid"},
		{"neither", `{"name":"Ana","age":-1}`, codes.InvalidArgument, "both_invalid"},
		{"new-only", `{"name":"Ana","email":"a@example.com"}`, codes.InvalidArgument, "only_new_valid"},
	}
	for _, c := range cases {
		frame := `{"id":"` + c.id + `","type":"person","version":1,"data":` + c.data + `}`
		out := p.Envelope(context.Background(), []byte(frame), time.Now(), nil)
		if out.Code != c.code {
			t.Errorf("%s: code %v, want v1's verdict %v: %s", c.id, out.Code, c.code, out.Reply)
		}
		if kept := sink.take(c.id); (kept == 1) != (c.code == codes.OK) {
			t.Errorf("%s: delivered %d times", c.id, kept)
		}
	}
	// A bare frame and one from separate fields are compared as well.
	p.Bare(context.Background(), person1, []byte(`{"name":"Bo","age":1,"city":"X"}`), time.Now(), nil, false)
	p.Parts(context.Background(), "parts", "person", 1, []byte(`{"name":"Bo","age":1,"city":"X"}`), time.Now())
	// Refusals are judged off the reply's path; Close waits for the judge
	// to finish what was queued, and the order of outcomes is not the order of frames.
	p.Close()
	want := []string{"person/v1>person/v2 both_invalid", "person/v1>person/v2 both_valid", "person/v1>person/v2 only_new_valid",
		"person/v1>person/v2 only_old_valid", "person/v1>person/v2 only_old_valid", "person/v1>person/v2 only_old_valid"}
	slices.Sort(seen.outcomes)
	if !slices.Equal(seen.outcomes, want) {
		t.Errorf("observed %q\nwant %q", seen.outcomes, want)
	}
	reps := p.Candidates()
	if len(reps) != 1 {
		t.Fatalf("candidates %+v", reps)
	}
	r := reps[0]
	if r.Type != "person" || r.Version != 1 || r.Candidate != 2 || r.Compared != 6 ||
		r.Outcomes != (candidate.Counts{BothValid: 1, BothInvalid: 1, OnlyOldValid: 3, OnlyNewValid: 1}) {
		t.Errorf("report %+v", r)
	}
	if !slices.Contains(r.TopKeywords, ranking.Count{Name: "required", Count: 4}) ||
		!slices.Contains(r.TopInstancePaths, ranking.Count{Name: "", Count: 4}) {
		t.Errorf("candidate failures: keywords %v, paths %v", r.TopKeywords, r.TopInstancePaths)
	}
}

// TestShadowAcceptsAndRecords sends an invalid frame to a shadow route:
// the client gets an ack, the action gets the event, and the real dead
// letter file gets a line flagged shadow with the violations.
func TestShadowAcceptsAndRecords(t *testing.T) {
	reg := rolloutRegistry(t)
	path := filepath.Join(t.TempDir(), "dead.ndjson")
	dl, err := action.NewDeadLetter(action.DeadLetterConfig{FileConfig: action.FileConfig{Path: path, Sync: action.SyncAlways}})
	if err != nil {
		t.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	sink := &keptIDs{ids: map[string]int{}}
	b.Route(pipeline.Route{Key: person1, Shadow: true, Actions: []pipeline.NamedAction{{Name: "k", Action: sink}}})
	seen := &rolloutSeen{}
	p, err := b.Build(pipeline.Options{Rollout: seen, DeadLetter: dl})
	if err != nil {
		t.Fatal(err)
	}
	out := p.Envelope(context.Background(), []byte(`{"id":"s1","type":"person","version":1,"data":{"name":"Ana","age":-1}}`), time.Now(), nil)
	if out.Code != codes.OK || sink.take("s1") != 1 {
		t.Fatalf("shadow route: code %v, reply %s; want an ack and a delivery", out.Code, out.Reply)
	}
	// A bare frame is let through alike, and recorded as an envelope.
	if out := p.Bare(context.Background(), person1, []byte(`{"name":"Bo"}`), time.Now(), nil, false); out.Code != codes.OK {
		t.Errorf("invalid bare data on a shadow route: code %v: %s", out.Code, out.Reply)
	}
	// Malformed data is still refused: there is nothing to deliver.
	if out := p.Bare(context.Background(), person1, []byte(`{"name":`), time.Now(), nil, false); out.Code != codes.InvalidArgument {
		t.Errorf("malformed bare data on a shadow route: code %v", out.Code)
	}
	if err := dl.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen.shadowed, []event.Key{person1, person1}) {
		t.Errorf("shadowed %v", seen.shadowed)
	}
	lines := testkit.FileLines(t, path)
	if len(lines) != 3 || !strings.Contains(lines[1], `"frame":"{\"id\":\"bare\",\"type\":\"person\",\"version\":1,\"data\":{\"name\":\"Bo\"}}"`) {
		t.Fatalf("dead letter lines %q", lines)
	}
	var rec struct {
		Frame  string `json:"frame"`
		Shadow bool   `json:"shadow"`
		Error  struct {
			Details []struct {
				KeywordLocation string `json:"keywordLocation"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if !rec.Shadow || rec.Frame != `{"id":"s1","type":"person","version":1,"data":{"name":"Ana","age":-1}}` || len(rec.Error.Details) != 2 {
		t.Errorf("shadow dead letter %s", lines[0])
	}
	if strings.Contains(lines[2], `"shadow"`) {
		t.Errorf("a refused frame is flagged shadow: %s", lines[2])
	}
}

// TestRolloutBuildErrors: a candidate the tree lacks, the route's own
// version, and a typed handler on a shadow route stop the build, each
// named.
func TestRolloutBuildErrors(t *testing.T) {
	reg := rolloutRegistry(t)
	b := pipeline.NewBuilder(reg)
	b.Route(pipeline.Route{Key: person1, Candidate: 9, Shadow: true})
	b.Route(pipeline.Route{Key: event.Key{Type: "person", Version: 2}, Candidate: 2})
	pipeline.Register(b, person1, func(context.Context, pipeline.Event[json.RawMessage]) ([]byte, error) { return nil, nil })
	_, err := b.Build(pipeline.Options{})
	if err == nil {
		t.Fatal("built")
	}
	for _, want := range []string{"route person v1: candidate v9: no schema person/v9.json",
		"route person v2: candidate v2 is the route's own version", "handler person v1 (json.RawMessage): its route is in shadow mode"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestShadowLogLine: a shadow route's log line names the keywords an
// invalid frame broke but quotes none of its data, unless the route's
// log.data asks for it; and it is not written once per frame.
func TestShadowLogLine(t *testing.T) {
	const frame = `{"id":"s1","type":"person","version":1,"data":{"name":"Ana","age":-17}}`
	for _, logData := range []bool{false, true} {
		var logs testkit.Buffer
		b := pipeline.NewBuilder(rolloutRegistry(t))
		b.Route(pipeline.Route{Key: person1, Shadow: true, LogData: logData})
		p, err := b.Build(pipeline.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // within a second, surely: but only the first line is asserted
			if out := p.Envelope(context.Background(), []byte(frame), time.Now(), nil); out.Code != codes.OK {
				t.Fatalf("shadow route: %v %s", out.Code, out.Reply)
			}
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		first := lines[0]
		if !strings.Contains(first, `"msg":"shadow: invalid event accepted"`) || !strings.Contains(first, `/properties/age/minimum`) ||
			!strings.Contains(first, `"violations":2`) || !strings.Contains(first, `"suppressed":0`) {
			t.Errorf("log.data %v: line %s", logData, first)
		}
		if quoted := strings.Contains(first, "-17") || strings.Contains(first, `"/age"`); quoted != logData {
			t.Errorf("log.data %v: the line quotes or locates the data: %v\n%s", logData, quoted, first)
		}
	}
}
