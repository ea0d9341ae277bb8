package ws

import (
	"runtime"
	"sync/atomic"
	"time"
)

// busyPoller lets the reader of a connection that answers quickly keep
// reading its socket for a short while after a reply, instead of parking
// at once (Options.BusyPoll). Only Linux polls (readwait_linux.go), and
// only a socket the tap reads raw: over the server's own TLS (a *tls.Conn
// offers no syscall.Conn) and elsewhere the reader waits in gorilla's read.
//
// Why: a parked reader is woken by the kernel, and on a virtual machine a
// core with nothing to run sleeps; waking it goes through the hypervisor
// and cost about 20 µs on the two-core test machine, the largest part of
// a 1x1 round trip there (a client and server pinned to one core answered
// in 16 µs at p50, on two in 61 µs). A reader that is still polling when
// the client's next frame arrives skips that wake-up, as Go's scheduler
// spins a while before it sleeps, and as Linux's busy_poll does for
// network devices.
//
// What bounds its cost: at most one connection of the server polls at a
// time; only while no other frame or reply is in flight anywhere in the
// server (a loaded server never polls: its readers have work; the HTTP and
// gRPC doors' requests are not counted, and do not stop it); only a
// connection whose last frame came within quickGap of its wait beginning
// (a client that thinks, or is idle, is not polled for); for at most
// budget; and each turn first yields to the process's other goroutines
// (Gosched) and to the threads waiting for its core (sched_yield), so a
// poll uses a core nothing else wants. Only with two Ps or more: with a
// single P (GOMAXPROCS=1, as Go sets it under a one-CPU container limit)
// no other thread watches the runtime's poller meanwhile, and Gosched
// finds the polling goroutine before the network, so the poll could not
// see other connections' frames coming (quiet would stay true) and
// whatever the network would wake in the process (their frames, an HTTP or
// gRPC request) would wait up to budget: four clients at one frame in
// flight each took about twice as long per frame with a 50 µs poll.
type busyPoller struct {
	budget   time.Duration // Options.BusyPoll; 0: never poll
	epoch    time.Time     // since's origin, read on the monotonic clock
	taken    atomic.Bool   // a connection is polling
	inflight *atomic.Int64 // the server's bytes in flight
}

// quickGap is how soon a connection's frame must come after its wait
// began for the next wait to poll. It is several budgets, because a wait
// that parked measures the wake-up too; a client that misses by more
// costs at most a budget per frame, a fraction of its own gap.
func (p *busyPoller) quickGap() int64 { return 4 * int64(p.budget) }

// since is nanoseconds on the monotonic clock, never 0.
func (p *busyPoller) since() int64 { return int64(time.Since(p.epoch)) | 1 }

// take reserves the right to poll, when the server is quiet, no other
// connection holds it, and another P watches the network meanwhile;
// release gives it back.
func (p *busyPoller) take() bool {
	return p.quiet() && !p.taken.Load() && runtime.GOMAXPROCS(0) > 1 && p.taken.CompareAndSwap(false, true)
}

func (p *busyPoller) release() { p.taken.Store(false) }

// quiet says no frame is being processed and no reply waits to be written.
func (p *busyPoller) quiet() bool { return p.inflight.Load() == 0 }

// pollState is a connection's part in busy polling, kept by its reader.
type pollState struct {
	waitFrom int64        // busyPoller.since when its wait found no bytes; 0: not waiting
	quick    bool         // its last frame came within quickGap of its wait beginning
	over     *atomic.Bool // the connection's close is decided (lifecycle.over)
}

// arrived notes that bytes came (or the socket ended) after a wait.
func (s *pollState) arrived(p *busyPoller) {
	if s.waitFrom != 0 {
		s.quick = p.since()-s.waitFrom <= p.quickGap()
		s.waitFrom = 0
	}
}
