// Package ws is the WebSocket front door: it upgrades requests (origin,
// auth, connection limit), serves each connection with a reader and, while
// there is something to write, a writer, with a send queue bounded in bytes
// between them, and closes connections with the RFC 6455 code that says why.
// Frames go to the pipeline with the connection's context; the package
// knows nothing about schemas.
//
// # A connection's life
//
//	          a close is decided (first one wins): the peer's close frame,
//	          a bad frame, a limit, a timer, Shutdown, a write timing out
//	┌──────┐ ──────────────────────────────────────────────────▶ ┌─────────┐
//	│ open │                                                     │ closing │
//	└──────┘ ──┐ the network fails                               └─────────┘
//	   ▲       │ (read or write)                                      │ the reader returns; the
//	   │       ▼                                                      │ writer sends what is owed,
//	upgrade  ┌────────┐ ◀──────────────────────────────────────────── ┘ then the close frame, and
//	         │ closed │   nothing more is written; the socket is closed   lingers for the peer's FIN
//	         └────────┘   and every frame's context ends
//
// lifecycle (close.go) holds the phase and the close decided under one
// lock; deciding a close expires the read deadline, so a blocked reader
// returns at once.
//
// # Who reads and who writes
//
//   - The reader (the connection's goroutine, readLoop) alone reads the
//     socket, and runs each frame through the pipeline in order.
//   - Whoever holds the writer's role (writer.go) alone writes replies,
//     pings and the close frame: the reader itself when the client has
//     sent nothing more (it is waiting for this reply, and a hand-off
//     would cost a wake-up), or a writer goroutine while input is
//     buffered (a burst: the replies go out in batches, with one syscall
//     each), started on demand and gone after writerLinger idle. The
//     holder that sends the close frame, or sees the network fail, keeps
//     the role for ever.
//   - gorilla itself writes from the reader's goroutine in two cases: the
//     pong to a ping (under WriteTimeout, conn.pong), and the close it
//     sends on a protocol error or an oversized frame. Its writes are whole frames under its own lock,
//     each one write to the tap beneath it, which ends the writing with
//     gorilla's close so that no reply follows it.
//   - Between frames the reader waits for the socket holding no read
//     buffer (readwait_linux.go); right after a reply, a quick client's
//     reader may first poll the socket a little while (busypoll.go),
//     one connection at a time and only while the server is otherwise
//     quiet.
//   - The ping timer marks a ping due and, when no one holds the writer's
//     role, takes it for that one write on its own goroutine (an idle
//     connection's ping starts no writer goroutine); the idle and lifetime
//     timers only decide a close.
//
// # Backpressure
//
// A reply counts from when it is queued until it is written, in its
// connection's queue and in the server's total (with the frames the
// pipeline has). Past Options.SendQueueBytes, or past MaxInflightBytes while
// it has replies of its own queued, the reader stops reading until the
// writer makes room, and decides a 1008 close if that takes WriteTimeout. A
// write that times out decides the same close; what it did not send stays
// whole in the wsio.BatchConn and goes out before the close frame.
//
// Everything that leans on gorilla's internals is in gorilla.go.
package ws

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/drain"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/wsio"
)

// Options tunes connections. Durations of zero turn the feature off where
// the field says so.
type Options struct {
	ReadLimit        int64         // bytes per frame; over it closes with 1009
	SendQueueBytes   int           // a connection's replies queued or being written; past it the reader waits
	MaxInflightBytes int64         // all connections' frames being processed and replies queued
	WriteTimeout     time.Duration // one write, and how long the reader may wait for room
	PongTimeout      time.Duration // silence (no pong, no frame) before the peer is dead
	PingInterval     time.Duration // must be shorter than PongTimeout
	HandshakeTimeout time.Duration
	IdleTimeout      time.Duration // no frames for this long closes (0: off)
	MaxLifetime      time.Duration // a connection's age limit (0: off)
	MaxConnections   int           // upgrades beyond it get 503
	AllowedOrigins   []string      // besides same-origin; "*" allows any
	RateLimit        ratelimit.Config
	// BusyPoll is how long a reader that answered may keep reading its
	// socket before it parks, while the server is otherwise quiet and the
	// client answers quickly (busypoll.go); 0: it parks at once.
	BusyPoll time.Duration
	// Authorize, when set, must accept the upgrade request (401 if not).
	Authorize func(r *http.Request) error
	// Subprotocols the server may select, e.g. auth.Subprotocol.
	Subprotocols []string
	Metrics      Metrics
	Logger       *slog.Logger
}

// Metrics is what the server reports about connections; reasons come from
// a small fixed set so they are safe as metric labels.
type Metrics interface {
	ConnOpened()
	ConnClosed(reason string)
	UpgradeRejected(reason string)
	// BusyPolled counts a reader's poll of its socket (Options.BusyPoll):
	// caught, bytes came while it polled (a frame, or the socket's end);
	// otherwise it ended with none (its budget spent, the server busy, a
	// close decided) and the reader parked after all.
	BusyPolled(caught bool)
}

// Pipeline is what connections ask of the pipeline: a *pipeline.Pipeline,
// or a *pipeline.Current that a reload swaps whole under open connections.
type Pipeline interface {
	Envelope(ctx context.Context, frame []byte, received time.Time, dst []byte) pipeline.Outcome
	Bare(ctx context.Context, key event.Key, frame []byte, received time.Time, dst []byte, raw bool) pipeline.Outcome
	Refuse(frame, dst []byte, err *status.Error) []byte
	RefuseBare(frame, dst []byte, err *status.Error) []byte
}

// Server accepts WebSocket connections and feeds their frames to the
// pipeline. It is safe for concurrent use.
type Server struct {
	p     Pipeline
	o     Options
	count atomic.Int64
	// base is the parent of every frame's context; Shutdown cancels it
	// when its own context ends.
	base       context.Context
	cancelBase context.CancelFunc
	draining   atomic.Bool
	inflight   atomic.Int64 // bytes of frames being processed and replies queued
	mu         sync.Mutex
	conns      map[*conn]struct{}
	wg         sync.WaitGroup
	// writeBufs shares gorilla's write buffers between connections: a
	// buffer is held only while a message is being written.
	writeBufs *sync.Pool
	// batches shares the buffers writers batch replies in, and the state
	// of a raw write, each held only while a batch is written, so idle
	// connections hold neither.
	batches *wsio.Pools
	// scratch shares the buffers frames are read into before being copied
	// to their exact size.
	scratch *sync.Pool
	// poll lets one reader at a time poll instead of parking.
	poll busyPoller
	// readers lends read buffers to connections that have something to
	// read; a waiting connection parks its buffer here (see readWaiter).
	readers readerPool
}

// New returns a server over p.
func New(p Pipeline, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = nopMetrics{}
	}
	s := &Server{p: p, o: o, conns: make(map[*conn]struct{}), writeBufs: &sync.Pool{},
		batches: wsio.NewPools(8 << 10), scratch: newScratchPool(), readers: newReaderPool()}
	s.base, s.cancelBase = context.WithCancel(context.Background())
	s.poll.budget, s.poll.epoch, s.poll.inflight = o.BusyPoll, time.Now(), &s.inflight
	return s
}

// Handler serves the contract's endpoint: every text frame is an envelope.
func (s *Server) Handler() http.Handler {
	return s.upgradeHandler(func(ctx context.Context, frame []byte, received time.Time, dst []byte) []byte {
		return s.p.Envelope(ctx, frame, received, dst).Reply
	}, s.p.Refuse)
}

// BareHandler serves a bare route: every text frame is the data of key.
// With raw, frames that are not JSON are echoed as they came.
func (s *Server) BareHandler(key event.Key, raw bool) http.Handler {
	return s.upgradeHandler(func(ctx context.Context, frame []byte, received time.Time, dst []byte) []byte {
		return s.p.Bare(ctx, key, frame, received, dst, raw).Reply
	}, s.p.RefuseBare)
}

// Connections is the number of open connections.
func (s *Server) Connections() int { return int(s.count.Load()) }

// Shutdown stops accepting connections, lets every connection finish the
// frame it is processing and send the replies it owes, then closes each
// with 1001 (going away). It returns when all are closed, or when ctx
// ends: then every frame's context ends too, so frames still in the
// pipeline are answered UNAVAILABLE, and the connections finish on their
// own (their writes are bounded by the write timeout); Shutdown does not
// wait for them.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.mu.Lock()
	for c := range s.conns {
		c.goAway()
	}
	s.mu.Unlock()
	if _, err := drain.Wait(ctx, s.wg.Wait); err != nil {
		s.cancelBase()
		return err
	}
	return nil
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.count.Add(-1)
	s.wg.Done()
}

type nopMetrics struct{}

func (nopMetrics) ConnOpened()            {}
func (nopMetrics) ConnClosed(string)      {}
func (nopMetrics) UpgradeRejected(string) {}
func (nopMetrics) BusyPolled(bool)        {}
