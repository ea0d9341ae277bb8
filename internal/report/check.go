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
	// candidate, when not 0, is the version each record is also judged
	// by (validate --candidate).
	candidate int
}

func newChecker(o *Options) *checker {
	c := &checker{reg: o.Registry, maxDepth: o.MaxDepth, now: o.now, candidate: o.Candidate}
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

// checkEnvelope decodes with the server's own decoder and judges with the
// validator's own words (validate.NoSchema, Schema.Judge), as the pipeline
// does, so a report and a live rejection cannot drift apart;
// parity_test.go checks the two end to end.
func (c *checker) checkEnvelope(r *result, b []byte) {
	env, err := envelope.Decode(b, c.maxDepth)
	if err != nil {
		if frame, ok := deadLetterFrame(b); ok {
			env, err = envelope.Decode(frame, c.maxDepth)
		}
	}
	r.id, r.hasID = env.ID, env.RawID != nil
	r.key, r.hasKey = env.Key, env.Key.Type != "" // Decode sets the key only once both parts are valid
	if err != nil {
		r.outcome, r.err = outcomeMalformed, err
		return
	}
	s, ok := c.reg.Lookup(env.Key)
	if !ok {
		r.outcome, r.err = outcomeUnknown, validate.NoSchema(env.Key)
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
	err, malformed := s.Judge(data, c.maxDepth)
	switch {
	case err == nil:
		r.outcome = outcomeValid
	case malformed: // only a bare frame: Decode checked envelopes
		r.outcome, r.err = outcomeMalformed, err
	default:
		r.outcome, r.err = outcomeInvalid, err
	}
	if c.candidate != 0 && !malformed {
		c.compare(r, data)
	}
}
