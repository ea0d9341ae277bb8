// Package gateway embeds a schemagate gateway in your own program: the
// same server as `schemagate serve` (the pipeline, limits, actions,
// metrics, auth, drain, and the WebSocket, HTTP and gRPC doors), with your
// own typed handlers beside the built-in ones.
//
//	cfg, err := gateway.LoadConfig(gateway.LoadOptions{Environ: os.Environ()})
//	...
//	g := gateway.New(cfg, gateway.Options{})
//	gateway.Handle(g, func(ctx context.Context, ev gateway.Event[events.OrderPlacedV1]) (any, error) {
//		if ev.Data.Total.String() == "0" {
//			return nil, wire.Errorf(codes.FailedPrecondition, "empty order")
//		}
//		return map[string]string{"order": ev.Data.OrderID}, nil
//	})
//	err = g.Run(ctx) // until ctx ends, then drain
//
// Handlers take the Go types `schemagate gen go` writes from the schemas,
// so the compiler checks that a handler and its data agree, and the key a
// handler serves is the one its type carries. Clients are in package
// gateway/client; the shared values in package gateway/wire.
//
// A running gateway reloads without dropping a connection on SIGHUP, POST
// /v1/admin/reload or (with reload.watch) a changed file: everything is
// read and checked first, then swapped in whole, your handlers registered
// again on the new generation. Options.Reload says where the
// configuration is read again from.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/gateway/wire"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/server"
	"github.com/schemagate/schemagate/internal/status"
)

// Options tune an embedded gateway; the zero value is usable.
type Options struct {
	// Logger receives the gateway's log. When nil, a logger is built from
	// the configuration's log section, writing to Stderr.
	Logger *slog.Logger
	// Stderr is where that logger writes (os.Stderr when nil).
	Stderr io.Writer
	// Reload is where a reload reads the configuration again: set it to
	// the LoadOptions the configuration was loaded with, and SIGHUP,
	// POST /v1/admin/reload and reload.watch re-read the same file,
	// variables and overrides (reload.watch polls that file). When nil,
	// a reload keeps the configuration given to New and reads its schema
	// tree again. Either way your handlers are registered on every
	// generation a reload builds.
	Reload *LoadOptions
}

// Gateway is a configured gateway and the handlers registered on it.
type Gateway struct {
	cfg      Config
	opts     Options
	register []func(*pipeline.Builder)
}

// New returns a gateway for cfg. Nothing is loaded or opened until Run.
func New(cfg Config, o Options) *Gateway {
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	return &Gateway{cfg: cfg, opts: o}
}

// Event is an accepted event as a handler sees it: validated against the
// schema of Key and decoded into T.
type Event[T any] struct {
	// ID is the envelope's id; the client resends with the same id, so
	// a handler with effects outside can de-duplicate by it.
	ID  string
	Key wire.Key
	// Received is when the gateway read the frame.
	Received time.Time
	Data     T
	// Raw is the data's JSON exactly as it was sent.
	Raw []byte
}

// HandlerFunc handles one event. Its result is sent back as the reply's
// "result" (encoded as JSON; a json.RawMessage as it is; nil for a plain
// ack). A *wire.Error reaches the client with its code; any other error is
// UNAVAILABLE, which tells the client that a retry may succeed.
type HandlerFunc[T any] func(ctx context.Context, ev Event[T]) (result any, err error)

// Handle registers fn for the events of T's key (T is a type `schemagate
// gen go` wrote, or any type with an EventKey method). Run fails if the
// schema tree has no schema for that key, or two handlers claim it.
func Handle[T wire.Event](g *Gateway, fn HandlerFunc[T]) {
	var zero T
	k := zero.EventKey()
	key := event.Key{Type: k.Type, Version: k.Version}
	g.register = append(g.register, func(b *pipeline.Builder) {
		pipeline.Register(b, key, func(ctx context.Context, ev pipeline.Event[T]) ([]byte, error) {
			res, err := fn(ctx, Event[T]{ID: ev.ID, Key: k, Received: ev.Received, Data: ev.Data, Raw: ev.Raw})
			if err != nil {
				return nil, fromWire(err)
			}
			out, err := encodeResult(res)
			if err != nil { // a bug in the handler: retrying will not help
				return nil, status.Wrap(codes.Internal, err, fmt.Sprintf("the result of the %s handler cannot be sent", k))
			}
			return out, nil
		})
	})
}

// Run loads the schemas, builds everything the configuration names, listens
// on its address (and grpc.listen, if set), and serves until ctx ends;
// then it drains within shutdown.drain_timeout. A configuration problem is
// returned before any listener opens. While it serves, memory.release_after
// and memory.heap_floor act on the whole process's heap (0 turns each off,
// leaving the collector to the host; a GOGC the host sets itself is left
// alone).
func (g *Gateway) Run(ctx context.Context) error {
	return server.Serve(ctx, g.cfg, g.serverOptions(nil))
}

// Serve is Run on a listener of your own (127.0.0.1:0 in a test, say)
// instead of the configured address.
func (g *Gateway) Serve(ctx context.Context, ln net.Listener) error {
	return server.Serve(ctx, g.cfg, g.serverOptions(ln))
}

func (g *Gateway) serverOptions(ln net.Listener) server.Options {
	o := server.Options{Stderr: g.opts.Stderr, Logger: g.opts.Logger, Register: g.register, Listener: ln}
	if r := g.opts.Reload; r != nil {
		lo := *r
		o.Reload = func() (Config, error) { return LoadConfig(lo) }
		o.ConfigFile = configFile(lo.File, lo.Environ)
	}
	return o
}

// fromWire turns a handler's *wire.Error into the server's error value,
// so the client sees its code; other errors pass as they are.
func fromWire(err error) error {
	var we *wire.Error
	if !errors.As(err, &we) {
		return err
	}
	se := &status.Error{Code: we.Code, Message: we.Message, Omitted: we.Omitted}
	for _, d := range we.Details {
		se.Details = append(se.Details, status.Detail{InstanceLocation: d.InstanceLocation, KeywordLocation: d.KeywordLocation, Message: d.Message})
	}
	return se
}

func encodeResult(res any) ([]byte, error) {
	switch r := res.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if r == nil {
			return nil, nil
		}
		if !json.Valid(r) {
			return nil, errors.New("gateway: the handler's result is not JSON")
		}
		return r, nil
	}
	return json.Marshal(res)
}
