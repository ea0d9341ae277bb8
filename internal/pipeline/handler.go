package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// Event is an accepted event as a typed handler sees it: the event, its
// data already validated against the schema of Key and decoded into T.
type Event[T any] struct {
	event.Event
	Data T
}

// HandlerFunc handles one accepted event of type T. It returns the JSON to
// send back as the reply's "result", or nil for a plain ack. An error that
// is a *status.Error reaches the client with its code; any other error is
// reported as UNAVAILABLE, since a handler failure may pass on retry.
type HandlerFunc[T any] func(ctx context.Context, ev Event[T]) (result []byte, err error)

// handler is the type-erased form the pipeline stores. Erasure happens in
// Register, where the compiler still sees T, so a handler can never be
// handed data of another type.
type handler func(ctx context.Context, ev event.Event) ([]byte, error)

// Register binds fn to the schema key. Data reaches fn decoded into T with
// encoding/json after validation; for T = json.RawMessage no decoding
// happens at all.
func Register[T any](b *Builder, key event.Key, fn HandlerFunc[T]) {
	b.handlers = append(b.handlers, registered{key: key, typ: fmt.Sprintf("%T", *new(T)), fn: erase(fn)})
}

func erase[T any](fn HandlerFunc[T]) handler {
	return func(ctx context.Context, ev event.Event) ([]byte, error) {
		var data T
		if p, ok := any(&data).(*json.RawMessage); ok {
			*p = ev.Raw
		} else if u, ok := any(&data).(json.Unmarshaler); ok {
			// What json.Unmarshal would call, minus its scan of data the
			// validator has read already: generated raw types land here.
			if err := u.UnmarshalJSON(bytes.TrimSpace(ev.Raw)); err != nil {
				return nil, status.Wrap(codes.Internal, err, fmt.Sprintf("data of %s does not fit its handler's type %T", ev.Key, data))
			}
		} else if err := json.Unmarshal(ev.Raw, &data); err != nil {
			// JSON Schema counts 30.0 and 3e1 as integers, encoding/json
			// will not put them in an int: retry with such numbers
			// written as integers before calling it a server bug.
			if plain, ok := integralNumbers(ev.Raw); !ok || json.Unmarshal(plain, &data) != nil {
				// The schema accepted data the Go type cannot hold: the
				// schema and the type disagree, which is a server bug.
				return nil, status.Wrap(codes.Internal, err, fmt.Sprintf("data of %s does not fit its handler's type %T", ev.Key, data))
			}
		}
		return fn(ctx, Event[T]{Event: ev, Data: data})
	}
}

type registered struct {
	key event.Key
	typ string
	fn  handler
}

// integralNumbers rewrites every number in raw whose value is an integer
// but is not written as one (30.0, 3e1, 1.5e1) as a plain integer
// literal, for decoding into Go integer fields. It runs only after a failed
// decode, so the common path never pays for it; jsonparse's bounds on
// number literals keep big.Rat cheap here. ok is false when nothing
// changed.
func integralNumbers(raw []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	changed := false
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case json.Number:
			if strings.ContainsAny(string(x), ".eE") {
				if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
					changed = true
					return json.Number(r.Num().String())
				}
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		}
		return v
	}
	v = walk(v)
	if !changed {
		return nil, false
	}
	out, err := json.Marshal(v)
	return out, err == nil
}
