package report

import (
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
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
	if c.maxDepth <= 0 {
		c.maxDepth = config.DefaultMaxDepth // bareData adds one to it
	}
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
	default:
		c.checkData(&r, rec.data)
	}
	r.elapsed = c.now().Sub(start)
	return r
}

// checkData judges a record's bytes. A dead letter line is judged as the
// frame it recorded, in either mode; in bare data mode, a recorded frame
// that is a bare route's envelope (id envelope.BareID) is judged by its
// data, and an older line, which recorded a bare frame as it came, as
// that frame.
func (c *checker) checkData(r *result, b []byte) {
	if isUndelivered(b) {
		r.outcome, r.undelivered = outcomeMalformed, true
		r.err = status.New(codes.InvalidArgument, "an undelivered webhook record from the dead letter, not a frame")
		return
	}
	frame, dead := deadLetterFrame(b)
	if dead {
		b = frame
	}
	switch {
	case c.bare == nil:
		c.checkEnvelope(r, b)
	case dead:
		c.checkBare(r, c.bareData(b))
	default:
		c.checkBare(r, b)
	}
}

// bareData is the data of a bare route's envelope, or frame itself when it
// is not one. The envelope adds a level of nesting to its data, which
// checkBare then bounds by maxDepth as the route did.
func (c *checker) bareData(frame []byte) []byte {
	env, err := envelope.Decode(frame, c.maxDepth+1)
	if err != nil || env.ID != envelope.BareID {
		return frame
	}
	return env.Raw
}

// checkEnvelope decodes with the server's own decoder and judges with the
// validator's own words (validate.NoSchema, Schema.Judge), as the pipeline
// does, so a report and a live rejection cannot drift apart;
// parity_test.go checks the two end to end.
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
