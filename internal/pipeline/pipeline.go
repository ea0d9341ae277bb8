// Package pipeline is the one path every frame takes, whichever door it
// came in by: strict envelope decoding, schema lookup, validation, the typed
// handler, the route's actions, and the reply. Front doors hand it bytes and
// write back the bytes it returns; they know nothing about schemas.
package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/envelope"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// Options tunes a pipeline; the zero value is usable.
type Options struct {
	// MaxDepth bounds nesting in a frame (config.DefaultMaxDepth when 0).
	MaxDepth int
	// DeadLetter, when set, records every rejected frame with its report.
	DeadLetter DeadLetter
	// Observer, when set, is told the outcome of every frame.
	Observer Observer
	// Tap, when set, sees every judged frame with its verdict (the
	// console). It is shared by every door, unlike Observer.
	Tap Tap
	// Logger receives failures of handlers and actions.
	Logger *slog.Logger
	// Rollout, when set, hears candidate comparisons and shadowed frames.
	Rollout RolloutObserver
}

// DeadLetter records a rejected frame and why it was rejected.
// It is given the frame's context: it may wait for its write (an fsync)
// only as long as the frame may.
type DeadLetter interface {
	Record(ctx context.Context, frame []byte, err *status.Error) error
	// RecordShadow records an invalid frame a shadow route accepted.
	RecordShadow(ctx context.Context, frame []byte, err *status.Error) error
}

// Observer learns the outcome of each frame. Known is false when the key
// came from a client and names no schema, so that metrics never take a
// label from client input.
type Observer interface {
	Observe(key event.Key, known bool, code codes.Code, elapsed time.Duration)
}

// KeyedObserver is an Observer that resolves a key's series up front: the
// pipeline asks it once per route, when it is built or given the
// observer, and records a routed frame's outcome through what For
// returned, so that no frame looks its series up by key. Frames no route
// knows still go to Observe.
type KeyedObserver interface {
	Observer
	// For records the outcomes of key's frames, which are known.
	For(key event.Key) func(code codes.Code, elapsed time.Duration)
}

// Tap sees each judged frame: its key (from the client when known is
// false), its bytes (the whole envelope, or the data of a bare or gRPC
// frame) and its verdict (nil: accepted). It is called on the frame's
// goroutine for every frame, so it must return at once; it must not keep
// frame, which the door reuses, nor change err.
type Tap interface {
	Frame(key event.Key, known bool, frame []byte, err *status.Error)
}

// Pipeline is built once and then used by every connection concurrently.
type Pipeline struct {
	routes map[event.Key]*route
	series []func(codes.Code, time.Duration) // by route.idx; nil unless the Observer is a KeyedObserver
	dec    envelope.Decoder                  // knows the routes' types, so decoding one allocates nothing
	opts   Options
	judge  *judge // judges candidates' refusals off the reply's path; nil without a candidate
}

// Outcome is what a front door needs to answer a frame: the code (for an
// HTTP status and metrics) and the reply, appended to the caller's buffer.
type Outcome struct {
	Code  codes.Code
	Reply []byte
}

// Build checks the builder's routes and handlers against the registry and
// returns the pipeline, or an error listing every route or handler that
// names a schema the tree does not have.
func (b *Builder) Build(o Options) (*Pipeline, error) {
	routes, err := b.resolve()
	if err != nil {
		return nil, err
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = config.DefaultMaxDepth
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	types := make([]string, 0, len(routes))
	for k := range routes {
		types = append(types, k.Type)
	}
	p := &Pipeline{routes: routes, dec: envelope.NewDecoder(types), opts: o}
	p.series = p.resolveSeries(o.Observer)
	for _, rt := range routes {
		if rt.candidate != nil {
			p.judge = newJudge(p)
			break
		}
	}
	return p, nil
}

// Envelope handles one frame of the contract: an envelope object, read by
// its front door at received. The reply is appended to dst.
func (p *Pipeline) Envelope(ctx context.Context, frame []byte, received time.Time, dst []byte) Outcome {
	start := countFrom(received)
	env, read, judged := p.dec.Certain(frame, p.opts.MaxDepth, routeTable(p.routes))
	if read && !judged {
		if _, routed := p.routes[env.Key]; !routed {
			read = false // Certain only delimited the data, and no schema will read it: Decode does
		}
	}
	var err *status.Error
	depth := p.opts.MaxDepth - 1 // the data is one level below the envelope object
	if !read {
		env, err = p.dec.Decode(frame, p.opts.MaxDepth)
		depth = p.opts.MaxDepth // as before: Decode has checked the data's depth
	}
	env.Received = received
	data := unread
	switch {
	case judged:
		data = vouched
	case read:
		data = refused
	}
	var result []byte
	var rt *route // the frame's route; nil: it named no schema (or was not read so far)
	malformed := false
	if err == nil {
		result, rt, malformed, err = p.process(ctx, &env, data, depth)
	}
	if malformed && read {
		// Certain only delimited the data: data that breaks the rules is
		// the frame's fault, in Decode's words, as if Decode had read it.
		if denv, derr := p.dec.Decode(frame, p.opts.MaxDepth); derr != nil {
			env, err, rt = denv, derr, nil
		}
	}
	p.finish(ctx, frame, env.Key, rt, err, start, false)
	return Outcome{Code: status.CodeOf(err), Reply: status.AppendReply(dst, env.RawID, result, err)}
}

// Bare handles a frame of a bare route, which is the data itself for a
// fixed key, read at received. When raw is set and the frame is not JSON,
// the frame is the reply (the tutorial's echo server, which echoed any
// text).
func (p *Pipeline) Bare(ctx context.Context, key event.Key, frame []byte, received time.Time, dst []byte, raw bool) Outcome {
	start := countFrom(received)
	if raw && jsonparse.Valid(frame, p.opts.MaxDepth) != nil {
		return Outcome{Code: codes.OK, Reply: append(dst, frame...)}
	}
	env := envelope.Envelope{Event: event.Event{Key: key, Raw: frame, Received: received}}
	result, rt, _, err := p.process(ctx, &env, unread, p.opts.MaxDepth)
	p.finish(ctx, frame, key, rt, err, start, true)
	if err == nil && result != nil {
		return Outcome{Code: codes.OK, Reply: append(dst, result...)}
	}
	return Outcome{Code: status.CodeOf(err), Reply: status.AppendBareReply(dst, result, err)}
}

// routeTable vouches for an envelope's data by its route's schema.
type routeTable map[event.Key]*route

// CertainData is envelope.DataChecker's.
func (t routeTable) CertainData(key event.Key, r jsonparse.Reader) (jsonparse.Reader, bool) {
	rt, ok := t[key]
	ok = ok && rt.schema.CertainAt(&r)
	return r, ok
}

// dataRead is what reading the envelope found out about its data already.
type dataRead uint8

const (
	unread  dataRead = iota // nothing: no schema has read it
	refused                 // its route's fast path could not vouch for it
	vouched                 // its route's fast path vouched for it: it is valid
)

// process judges the event's data within depth, unless data says it is
// valid already, and delivers it. rt is the key's route, nil when it has
// none; malformed says the data breaks jsonparse's rules, and then nothing
// was done with it.
func (p *Pipeline) process(ctx context.Context, env *envelope.Envelope, data dataRead, depth int) (result []byte, rt *route, malformed bool, err *status.Error) {
	rt, ok := p.routes[env.Key]
	if !ok {
		return nil, nil, false, validate.NoSchema(env.Key)
	}
	if rt.handler != nil || len(rt.actions) > 0 || rt.shadow {
		env.FillID() // for the readers of the event: see envelope.Decoder.Certain
	}
	switch data {
	case unread:
		err, malformed = rt.schema.Judge(env.Raw, depth)
	case refused:
		err, malformed = rt.schema.JudgeRefused(env.Raw, depth)
	}
	if rt.candidate != nil && !malformed {
		p.compare(rt, env.Raw, err == nil)
	}
	if err != nil {
		if !rt.shadow || malformed {
			return nil, rt, malformed, err
		}
		p.shadowed(ctx, rt, env, err)
	}
	result, err = p.deliver(ctx, rt, env)
	return result, rt, false, err
}

// deliver runs the handler and then every action; the event is accepted
// only if all of them succeed, because an ack promises the event is kept.
func (p *Pipeline) deliver(ctx context.Context, rt *route, env *envelope.Envelope) ([]byte, *status.Error) {
	var result []byte
	if rt.handler != nil {
		r, err := rt.handler(ctx, env.Event)
		if err != nil {
			return nil, p.failure(env, "handler", err)
		}
		result = r
	}
	if len(rt.actions) == 0 {
		return result, nil
	}
	for _, a := range rt.actions {
		if err := a.Action.Do(ctx, env.Event); err != nil {
			return nil, p.failure(env, "action "+a.Name, err)
		}
	}
	return result, nil
}

// failure turns a handler's or action's error into the client's error:
// status errors keep their code; anything else may pass on retry, so it is
// UNAVAILABLE, and its text stays in the log.
func (p *Pipeline) failure(env *envelope.Envelope, where string, err error) *status.Error {
	var se *status.Error
	if !errors.As(err, &se) {
		se = status.Wrap(codes.Unavailable, err, where+" failed; retry may succeed")
	}
	p.opts.Logger.Warn("event not accepted", "where", where, "id", env.ID, "type", env.Key.Type,
		"version", env.Key.Version, "code", se.Status(), "err", err)
	return se
}

// finish observes a judged frame of key, whose route is rt (nil: none),
// and dead-letters it if it was refused; a bare frame (bare set) is the
// data of key.
func (p *Pipeline) finish(ctx context.Context, frame []byte, key event.Key, rt *route, err *status.Error, start time.Time, bare bool) {
	p.observe(key, rt, err, start)
	p.tap(key, rt != nil, frame, err)
	if err != nil && p.opts.DeadLetter != nil && rejected(err.Code) {
		if bare {
			frame = p.bareEnvelope(key, frame)
		}
		p.deadLetter(ctx, frame, err)
	}
}

// bareEnvelope is a refused bare frame as the dead letter keeps it: the
// envelope it stands for, with id "bare", as a shadowed frame is kept, so
// that validate replays it against its type and version. A frame that is
// not JSON cannot be an envelope's data and is kept as it came (it
// replays as malformed, which it is).
func (p *Pipeline) bareEnvelope(key event.Key, frame []byte) []byte {
	if jsonparse.Valid(frame, p.opts.MaxDepth) != nil {
		return frame
	}
	return partsFrame(envelope.BareID, key.Type, uint64(key.Version), frame)
}

// countFrom is what the time a frame spent in the pipeline is counted
// from (the Observer's elapsed): its receipt by the front door, which the
// door has read the clock for already. Counting from a reading of its own
// when judging starts cost a clock reading per frame, a measurable part of
// a small frame's cost; since receipt, the door's own checks of the frame
// (a WebSocket frame's UTF-8) count too. An HTTP batch's items each pass
// the time their turn came: from the batch's receipt, item i would count
// the i items judged before it. A caller with no receipt (the zero time)
// has its frame counted from now.
func countFrom(received time.Time) time.Time {
	if received.IsZero() {
		return time.Now()
	}
	return received
}

// observe tells the observer a frame's outcome: through its route's
// series when the observer resolved them (resolveSeries), so that no
// frame looks its series up by key.
func (p *Pipeline) observe(key event.Key, rt *route, err *status.Error, start time.Time) {
	switch {
	case rt != nil && p.series != nil:
		p.series[rt.idx](status.CodeOf(err), time.Since(start))
	case p.opts.Observer != nil:
		p.opts.Observer.Observe(key, rt != nil, status.CodeOf(err), time.Since(start))
	}
}

// resolveSeries asks o, when it is a KeyedObserver, for each route's
// series, indexed as the routes are.
func (p *Pipeline) resolveSeries(o Observer) []func(codes.Code, time.Duration) {
	ko, ok := o.(KeyedObserver)
	if !ok {
		return nil
	}
	series := make([]func(codes.Code, time.Duration), len(p.routes))
	for k, rt := range p.routes {
		series[rt.idx] = ko.For(k)
	}
	return series
}

func (p *Pipeline) tap(key event.Key, known bool, frame []byte, err *status.Error) {
	if p.opts.Tap != nil {
		p.opts.Tap.Frame(key, known, frame, err)
	}
}

func (p *Pipeline) deadLetter(ctx context.Context, frame []byte, err *status.Error) {
	if dlErr := p.opts.DeadLetter.Record(ctx, frame, err); dlErr != nil {
		p.opts.Logger.Error("dead letter not recorded", "err", dlErr)
	}
}

// rejected says the frame itself was refused, as opposed to a failure of
// ours that a retry may fix; only refusals go to the dead letter.
func rejected(c codes.Code) bool { return c == codes.InvalidArgument || c == codes.NotFound }

// Refuse answers a frame that will not be processed (a rate limit, say)
// with err, carrying the frame's id when it can be read. Such a frame was
// not judged, so it is counted but never dead-lettered.
func (p *Pipeline) Refuse(frame, dst []byte, err *status.Error) []byte {
	env, _ := p.dec.Decode(frame, p.opts.MaxDepth)
	p.observe(event.Key{}, nil, err, time.Now())
	return status.AppendReply(dst, env.RawID, nil, err)
}

// RefuseBare is Refuse for bare routes, whose replies carry no id.
func (p *Pipeline) RefuseBare(frame, dst []byte, err *status.Error) []byte {
	p.observe(event.Key{}, nil, err, time.Now())
	return status.AppendBareReply(dst, nil, err)
}

// WithObserver is p with its outcomes told to o instead: the same routes,
// handlers and actions, shared, not copied. Each front door takes its own,
// so that metrics can say which door a frame came by.
func (p *Pipeline) WithObserver(o Observer) *Pipeline {
	q := *p
	q.opts.Observer = o
	q.series = q.resolveSeries(o)
	return &q
}
