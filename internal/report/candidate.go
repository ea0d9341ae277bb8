package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/candidate"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// comparison is how a record fared under the candidate version of its
// type, beside the version it names.
type comparison struct {
	// skip says why it was not compared ("" when it was).
	skip    string
	outcome candidate.Outcome
	newKey  event.Key
	newErr  *status.Error
	// data is the record's, not a copy, when the verdict would change: the
	// tally copies it only for the samples it keeps.
	data []byte
}

// The reasons a valid or invalid record is not compared; unknown and
// malformed records are not compared either, and are counted as such.
const (
	skipNoCandidate = "no_candidate"      // its type has no schema of the candidate version
	skipAtCandidate = "already_candidate" // it names the candidate version itself
)

// compare judges data by the candidate version of r's type.
func (c *checker) compare(r *result, data []byte) {
	k := event.Key{Type: r.key.Type, Version: c.candidate}
	cmp := &comparison{newKey: k}
	r.cmp = cmp
	s, ok := c.reg.Lookup(k)
	switch {
	case r.key.Version == c.candidate:
		cmp.skip = skipAtCandidate
		return
	case !ok:
		cmp.skip = skipNoCandidate
		return
	}
	cmp.newErr, _ = s.Judge(data, c.maxDepth) // data passed the parser already
	cmp.outcome = candidate.Of(r.outcome == outcomeValid, cmp.newErr == nil)
	if cmp.outcome == candidate.OnlyOldValid || cmp.outcome == candidate.OnlyNewValid {
		cmp.data = data // a record's bytes are its own, never reused by the reader
	}
}

// deadLetterFrame is the frame a dead letter line holds
// ({"time":…,"frame":"…","error":…}, see action.DeadLetter), so that a
// dead letter file replays as the traffic it recorded; ok is false for
// anything else. A line with a field a dead record does not have is not
// one: in bare data mode it may be data that happens to have a "frame".
func deadLetterFrame(b []byte) ([]byte, bool) {
	if !bytes.Contains(b, []byte(`"frame"`)) {
		return nil, false // an event, the common case: no second decoding
	}
	var rec struct {
		Time        string          `json:"time"`
		Frame       *string         `json:"frame"`
		FrameBase64 []byte          `json:"frame_base64"`
		Error       json.RawMessage `json:"error"`
		Shadow      bool            `json:"shadow"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if d.Decode(&rec) != nil || rec.Frame == nil || rec.Time == "" {
		return nil, false
	}
	if rec.FrameBase64 != nil {
		return rec.FrameBase64, true
	}
	return []byte(*rec.Frame), true
}

// isUndelivered reports a dead letter line of a webhook's undelivered
// event ({"time":…,"webhook":…,"event":…,"attempts":[…]}, see
// action.DeadLetter.RecordUndelivered), which shares the file with the
// refused frames but records no frame.
func isUndelivered(b []byte) bool {
	if !bytes.Contains(b, []byte(`"webhook"`)) {
		return false
	}
	var rec struct {
		Time     string          `json:"time"`
		Webhook  string          `json:"webhook"`
		Event    json.RawMessage `json:"event"`
		Attempts json.RawMessage `json:"attempts"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(&rec) == nil && rec.Time != "" && rec.Webhook != "" && rec.Event != nil
}

// checkCandidate refuses a comparison that cannot compare anything: a
// version no schema has, or bare data against its own version.
func (o Options) checkCandidate() error {
	if o.Candidate == 0 {
		return nil
	}
	switch {
	case o.Candidate < 0:
		return status.New(codes.InvalidArgument, "the candidate must be a version >= 1")
	case o.Stream || o.MaxErrors > 0 || o.FailFast:
		return status.New(codes.InvalidArgument, "--stream, --max-errors and --fail-fast do not apply to a candidate comparison")
	case o.Type != "" && o.Candidate == o.Version:
		return status.Newf(codes.InvalidArgument, "the candidate v%d is the version the data is checked against", o.Candidate)
	case o.Type != "":
		if _, ok := o.Registry.Lookup(event.Key{Type: o.Type, Version: o.Candidate}); !ok {
			return status.Newf(codes.NotFound, "no schema for %s v%d, the candidate", o.Type, o.Candidate)
		}
		return nil
	}
	for _, s := range o.Registry.Schemas() {
		if s.Version == o.Candidate {
			return nil
		}
	}
	return status.Newf(codes.NotFound, "no type has a schema v%d, the candidate", o.Candidate)
}

// RunCandidate reads every input as Run does and judges each valid or
// invalid record a second time, by version o.Candidate of its type, then
// writes what would change in o.Format. Errors are Run's.
func RunCandidate(ctx context.Context, o Options, stdout io.Writer) (CandidateSummary, error) {
	if o.Candidate == 0 {
		return CandidateSummary{}, status.New(codes.InvalidArgument, "no candidate version")
	}
	o, srcs, err := begin(o)
	if err != nil {
		return CandidateSummary{}, err
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	start := o.now()
	t := newCandidateTally(o.Candidate)
	prog := startProgress(o.Progress, srcs)
	readErr := runPool(ctx, &o, srcs, prog, func(r *result) bool {
		t.add(r)
		prog.add(r)
		return true
	})
	prog.stop()
	sum := t.summary(o.now().Sub(start), isContextErr(readErr))
	return sum, finish(func() error { return writeCandidate(&o, out, &sum) }, out, readErr, nil)
}
