package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Phases of a run, in order.
const (
	phaseWarm int32 = iota
	phaseMeasure
	phaseStop
)

// progressEvery is how often the live line is redrawn.
const progressEvery = 500 * time.Millisecond

// gorilla buffer sizes under load: reads gather many small replies per
// syscall, and the write buffer holds a whole order frame so it is never
// split into fragments.
const (
	loadReadBuf  = 16 << 10
	loadWriteBuf = 64 << 10
)

// shared is the state every connection of one run reads.
type shared struct {
	o     Options
	wl    *workload
	start time.Time // the run clock's zero
	// abort is the run's ctx ending: it unblocks a writer waiting for
	// flow control; the drain still waits for the replies owed.
	abort <-chan struct{}
	stop  chan struct{} // closed by halt when sending stops
	halt1 sync.Once

	phase  atomic.Int32
	budget atomic.Int64 // frames left to send when Count > 0

	// Written by schedule, read by collect after it returns; ns on the run clock.
	began        bool  // the measurement started
	measureStart int64 // when it started
	stopAt       int64 // when the timer or ctx stopped sending; 0 if writers ran out
	cpuStart     time.Duration
	cpuEnd       time.Duration
	cpuEndAt     int64
}

// Run drives the server at o.URL with o.Workload and reports what it saw.
// It returns an error when it cannot start (bad options, workload, dial), or
// the context's error with the partial result when ctx ends first (sending
// stops then, and the replies still owed are waited for as at the end of a
// run, within DrainTimeout); failing connections during the run are
// reported in the Result instead.
func Run(ctx context.Context, o Options) (Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Result{}, err
	}
	wl, err := loadWorkload(o.Workload)
	if err != nil {
		return Result{}, fmt.Errorf("bench: workload %w", err)
	}
	sh := &shared{o: o, wl: wl, start: time.Now(), abort: ctx.Done(), stop: make(chan struct{})}
	sh.budget.Store(int64(o.Count))
	conns, err := connect(ctx, sh)
	if err != nil {
		return Result{}, err
	}
	next := sh.begin() // before any writer starts, so no frame predates the phase
	for _, c := range conns {
		c.start()
	}
	err = sh.schedule(ctx, next, conns, allDone(conns))
	return collect(sh, conns), err
}

// connect opens the run's connections: WebSockets, or gRPC streams for a
// grpc:// URL.
func connect(ctx context.Context, sh *shared) ([]*conn, error) {
	if isGRPC(sh.o.URL) {
		return dialGRPC(ctx, sh)
	}
	ds, err := dialMany(ctx, sh.o, sh.o.Conns, loadReadBuf, loadWriteBuf)
	if err != nil {
		return nil, err
	}
	conns := make([]*conn, len(ds))
	for i, d := range ds {
		conns[i] = newConn(sh, i, d)
	}
	return conns, nil
}

// allDone closes once every connection has stopped.
func allDone(conns []*conn) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		for _, c := range conns {
			<-c.done
		}
		close(ch)
	}()
	return ch
}

// begin enters the first phase and returns when it ends.
func (sh *shared) begin() <-chan time.Time {
	if sh.o.Warmup > 0 {
		return newTimer(sh.o.Warmup)
	}
	return sh.beginMeasure()
}

// schedule moves the run on from the phase begin entered, draws the
// progress line, and returns once every connection is done: after the
// measurement, its drain and close, or after ctx ends, with ctx's error.
func (sh *shared) schedule(ctx context.Context, next <-chan time.Time, conns []*conn, done <-chan struct{}) error {
	p := newProgress(sh, conns)
	defer p.close()
	var err error
	var watchdog <-chan time.Time
	stop, abort := (<-chan struct{})(sh.stop), ctx.Done()
	for {
		select {
		case <-abort:
			err, abort = ctx.Err(), nil
			sh.stopSending(true)
		case <-stop:
			stop, watchdog = nil, newTimer(sh.o.DrainTimeout+closeGrace)
			drainBy := time.Now().Add(sh.o.DrainTimeout)
			for _, c := range conns {
				c.bound(drainBy)
			}
		case <-watchdog:
			forceClose(conns)
		case <-done:
			sh.stopSending(false)
			return err
		case <-p.tick():
			p.draw()
		case <-next:
			next = sh.advance()
		}
	}
}

// advance ends the current phase: warm-up gives way to the measurement, the
// measurement to the drain.
func (sh *shared) advance() <-chan time.Time {
	if sh.phase.Load() == phaseWarm {
		return sh.beginMeasure()
	}
	sh.stopSending(true)
	return nil
}

// forceClose closes the sockets under connections that outlived the drain:
// a writer stuck writing to a server that stopped reading would otherwise
// wait forever. Their pending writes fail and count as connection errors.
func forceClose(conns []*conn) {
	for _, c := range conns {
		c.bc.Conn.Close()
	}
}

// beginMeasure starts counting; it returns when to stop, or nil to run
// until Count frames are done.
func (sh *shared) beginMeasure() <-chan time.Time {
	sh.cpuStart = CPUTime()
	sh.began, sh.measureStart = true, sh.now()
	sh.phase.Store(phaseMeasure)
	if sh.o.Duration == 0 {
		return nil
	}
	return newTimer(sh.o.Duration)
}

// stopSending ends the measurement once; writers then drain and close.
// stopped says the schedule cut it short, rather than writers running out of
// Count or connections dying, so the measured window ends here.
func (sh *shared) stopSending(stopped bool) {
	if sh.cpuEndAt != 0 {
		return
	}
	sh.cpuEnd, sh.cpuEndAt = CPUTime(), sh.now()
	if stopped && sh.phase.Load() != phaseStop { // not already halted by Count
		sh.stopAt = sh.cpuEndAt
	}
	sh.halt()
}

// halt stops every writer, including those blocked on a full window; a
// writer calls it when Count is used up, so stalled connections cannot keep
// the run from ending.
func (sh *shared) halt() {
	sh.halt1.Do(func() {
		sh.phase.Store(phaseStop)
		close(sh.stop)
	})
}

func newTimer(d time.Duration) <-chan time.Time {
	return time.NewTimer(d).C
}

// now is the run clock: ns since start, monotonic.
func (sh *shared) now() int64 {
	return int64(time.Since(sh.start))
}

// admit tells a writer whether to send one more frame and whether it counts.
func (sh *shared) admit() (measured, ok bool) {
	switch sh.phase.Load() {
	case phaseWarm:
		return false, true
	case phaseMeasure:
		if sh.o.Count == 0 || sh.budget.Add(-1) >= 0 {
			return true, true
		}
		sh.halt()
	}
	return false, false
}

// counting says whether stray replies (duplicates, garbage) are counted now.
func (sh *shared) counting() bool {
	return sh.phase.Load() != phaseWarm
}
