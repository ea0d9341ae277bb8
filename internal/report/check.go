package report

import (
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// checker turns a record into a result by the steps the server takes for a
// frame: strict decoding, lookup, validation. It is shared by the workers
// and holds nothing that changes.
type checker struct {
	reg      *validate.Registry
	bare     *validate.Schema // set in bare data mode: every record is its data
	maxDepth int
	now      func() time.Time
}

func newChecker(o *Options) *checker {
	c := &checker{reg: o.Registry, maxDepth: o.MaxDepth, now: o.now}
	if o.Type != "" {
		c.bare, _ = o.Registry.Lookup(event.Key{Type: o.Type, Version: o.Version})
	}
	return c
}

func (c *checker) check(rec record) result {
	start := c.now()
	r := result{seq: rec.seq, src: rec.src, line: rec.line}
	switch {
	case rec.blank:
		r.outcome = outcomeBlank
	case rec.problem != "":
		r.outcome, r.err = outcomeMalformed, status.New(codes.InvalidArgument, rec.problem)
	case c.bare != nil:
		c.checkBare(&r, rec.data)
	default:
		c.checkEnvelope(&r, rec.data)
	}
	r.elapsed = c.now().Sub(start)
	return r
}

// checkEnvelope decodes with the server's own decoder, so the envelope
// rules and their messages cannot drift apart. What follows decoding (the
// lookup and validation messages) mirrors internal/pipeline's process;
// parity_test.go holds the two to the same answers.
func (c *checker) checkEnvelope(r *result, b []byte) {
	env, err := envelope.Decode(b, c.maxDepth)
	r.id, r.hasID = env.ID, env.RawID != nil
	r.key, r.hasKey = env.Key, env.Key.Type != "" // Decode sets the key only once both parts are valid
	if err != nil {
		r.outcome, r.err = outcomeMalformed, err
		return
	}
	s, ok := c.reg.Lookup(env.Key)
	if !ok {
		r.outcome, r.err = outcomeUnknown, status.Newf(codes.NotFound, "no schema for %s", env.Key)
		return
	}
	c.validate(r, s, env.Raw)
}

// checkBare mirrors the server's bare routes, where a frame is the data.
func (c *checker) checkBare(r *result, b []byte) {
	r.key, r.hasKey = c.bare.Key, true
	c.validate(r, c.bare, b)
}

func (c *checker) validate(r *result, s *validate.Schema, data []byte) {
	rep, err := s.ValidateJSON(data, c.maxDepth)
	if err != nil { // only a bare frame can be malformed here: Decode checked envelopes
		r.outcome, r.err = outcomeMalformed, status.New(codes.InvalidArgument, "data is not valid JSON: "+err.Error())
		return
	}
	if rep.Valid() {
		r.outcome = outcomeValid
		return
	}
	r.outcome = outcomeInvalid
	r.err = &status.Error{Code: codes.InvalidArgument, Message: "data does not match " + s.Key.String(),
		Details: rep.Details, Omitted: rep.Omitted}
}
