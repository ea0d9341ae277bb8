package report

import (
	"reflect"
	"testing"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
)

// bareDeadLetter is a bare person v1 route's dead letter, in both forms it
// has had: line 1 as the server used to record a refusal (the data alone,
// no type or version), line 2 as it records one now and line 3 as it
// records a shadowed frame (an envelope with id "bare"); line 4 is a bare
// frame that was not JSON.
const bareDeadLetter = `{"time":"2026-11-26T10:00:00Z","frame":"{\"name\":\"Ana\",\"age\":-1}","error":{"code":3,"status":"INVALID_ARGUMENT","message":"data does not match person v1"}}
{"time":"2026-11-26T10:00:01Z","frame":"{\"id\":\"bare\",\"type\":\"person\",\"version\":1,\"data\":{\"name\":\"Bo\",\"age\":7}}","error":{"code":3,"status":"INVALID_ARGUMENT","message":"data does not match person v1"}}
{"time":"2026-11-26T10:00:02Z","frame":"{\"id\":\"bare\",\"type\":\"person\",\"version\":1,\"data\":{\"name\":\"Cy\",\"age\":1,\"city\":\"Oslo\"}}","error":{"code":3,"status":"INVALID_ARGUMENT","message":"data does not match person v1"},"shadow":true}
{"time":"2026-11-26T10:00:03Z","frame":"not json","error":{"code":3,"status":"INVALID_ARGUMENT","message":"not JSON"}}
`

// TestBareDeadLetter: a bare route's dead letter replays in bare data mode
// line by line as the frames it recorded, whichever form a line has;
// without --type, the lines that carry their type and version are judged
// by it, and only the old form, which does not, is malformed.
func TestBareDeadLetter(t *testing.T) {
	in := writeInput(t, "dead.ndjson", []byte(bareDeadLetter))
	cases := []struct {
		name string
		typ  string
		want []string
	}{
		{"bare data mode", "person", []string{"1:invalid", "2:invalid", "3:valid", "4:malformed"}},
		{"envelopes", "", []string{"1:malformed", "2:invalid", "3:valid", "4:malformed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, _ := runStream(t, Options{Inputs: []string{in}, Type: c.typ, Version: 1, Workers: 2})
			if got := statuses(rs); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestDataLikeDeadLetter: in bare data mode, data that happens to have a
// "time" and a "frame" is data, not a dead letter line: only a line with
// no field a dead record lacks is unwrapped.
func TestDataLikeDeadLetter(t *testing.T) {
	in := writeInput(t, "data.ndjson", []byte(`{"time":"x","frame":"{}","name":"Ana"}`+"\n"))
	rs, _ := runStream(t, Options{Inputs: []string{in}, Type: "person", Version: 1, Workers: 1})
	if len(rs) != 1 || rs[0].Status != "invalid" || rs[0].Error == nil {
		t.Fatalf("got %+v, want the line judged as person v1 data", rs)
	}
}

// TestCompareKeepsNoCopy: a comparison whose verdict would change keeps
// the record's own bytes; only the tally copies them, for the samples it
// keeps, so a file of changed records is not copied record by record.
func TestCompareKeepsNoCopy(t *testing.T) {
	c := newChecker(&Options{Registry: fixtureRegistry(t), Candidate: 2})
	data := []byte(`{"name":"Ana","age":30,"city":"Lima"}`) // v1 accepts it, v2 does not
	r := result{src: &source{name: "t"}, key: event.Key{Type: "person", Version: 1}, hasKey: true, outcome: outcomeValid}
	c.compare(&r, data)
	if r.cmp == nil || r.cmp.outcome != candidate.OnlyOldValid || &r.cmp.data[0] != &data[0] {
		t.Fatalf("comparison %+v: want only_old_valid holding the record's bytes", r.cmp)
	}
	tl := newCandidateTally(2)
	tl.add(&r)
	if s := tl.summary(0, false); len(s.Samples) != 1 || &s.Samples[0].Data[0] == &data[0] || string(s.Samples[0].Data) != string(data) {
		t.Fatalf("samples %+v: want one copy of the record", s.Samples)
	}
}
