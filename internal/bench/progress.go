package bench

import (
	"fmt"
	"time"
)

// progress redraws one live status line, for a terminal only: the CLI passes
// a writer just when stderr is one.
type progress struct {
	sh     *shared
	conns  []*conn
	ticker *time.Ticker
	last   int64 // replies at the previous draw
	lastAt time.Time
	drawn  bool
}

func newProgress(sh *shared, conns []*conn) *progress {
	p := &progress{sh: sh, conns: conns, lastAt: time.Now()}
	if sh.o.Progress != nil {
		p.ticker = time.NewTicker(progressEvery)
	}
	return p
}

// tick is nil, and so never ready, when there is no progress writer.
func (p *progress) tick() <-chan time.Time {
	if p.ticker == nil {
		return nil
	}
	return p.ticker.C
}

func (p *progress) draw() {
	var sent, seen int64
	for _, c := range p.conns {
		sent += c.sentAll.Load()
		seen += c.seen.Load()
	}
	now := time.Now()
	rate := float64(seen-p.last) / now.Sub(p.lastAt).Seconds()
	p.last, p.lastAt = seen, now
	phase := [...]string{"warm-up", "measure", "drain"}[p.sh.phase.Load()]
	elapsed := time.Duration(p.sh.now()).Truncate(100 * time.Millisecond)
	fmt.Fprintf(p.sh.o.Progress, "\r%-8s %8s  sent %d  replies %d  %.0f/s    ",
		phase, elapsed, sent, seen, rate)
	p.drawn = true
}

// close stops the ticker and ends the live line so the summary starts clean.
func (p *progress) close() {
	if p.ticker == nil {
		return
	}
	p.ticker.Stop()
	if p.drawn {
		fmt.Fprintln(p.sh.o.Progress)
	}
}
