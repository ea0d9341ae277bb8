package pipeline

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// Verdict is a frame's outcome as values, for a door whose wire is not
// the contract's JSON (gRPC): Err is nil when the event was accepted, and
// Result is the handler's result JSON, if it had one.
type Verdict struct {
	Result []byte
	Err    *status.Error
}

// Parts handles an envelope that arrived as separate fields: the same
// rules (envelope.FromParts), schema, handler and actions as Envelope, and
// received is likewise when the door read it. data is the event's JSON and
// is not copied: it must not change until Parts returns, nor while a
// handler may keep it.
func (p *Pipeline) Parts(ctx context.Context, id, typ string, version uint64, data []byte, received time.Time) Verdict {
	start := countFrom(received)
	env, err := envelope.FromParts(id, typ, version, data, p.opts.MaxDepth)
	env.Received = received
	var result []byte
	var rt *route
	if err == nil {
		result, rt, _, err = p.process(ctx, &env, unread, p.opts.MaxDepth)
	}
	p.observe(env.Key, rt, err, start)
	p.tap(env.Key, rt != nil, data, err)
	if err != nil && p.opts.DeadLetter != nil && rejected(err.Code) {
		p.deadLetter(ctx, partsFrame(id, typ, version, data), err)
	}
	return Verdict{Result: result, Err: err}
}

// RefuseParts counts an event that will not be processed (a rate limit,
// say) and returns err for the door to answer with.
func (p *Pipeline) RefuseParts(err *status.Error) *status.Error {
	p.observe(event.Key{}, nil, err, time.Now())
	return err
}

// partsFrame writes such an envelope as the contract's JSON object, for
// the dead letter, which records frames; data goes in as it came, since it
// need not be JSON when it was refused.
func partsFrame(id, typ string, version uint64, data []byte) []byte {
	// Marshalling a string cannot fail.
	i, _ := json.Marshal(id)
	t, _ := json.Marshal(typ)
	b := append([]byte(`{"id":`), i...)
	b = append(b, `,"type":`...)
	b = append(b, t...)
	b = append(b, `,"version":`...)
	b = strconv.AppendUint(b, version, 10)
	b = append(b, `,"data":`...)
	b = append(b, data...)
	return append(b, '}')
}
