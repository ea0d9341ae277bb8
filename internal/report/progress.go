package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// progressDelay keeps short runs free of a flashing bar.
	progressDelay = time.Second
	progressEvery = 200 * time.Millisecond
	progressWidth = 24
)

// progress draws one status line on a terminal while a run goes. Every
// method is safe on a nil *progress, which is what runs without a terminal
// get, so callers never ask.
type progress struct {
	w      io.Writer
	total  int64 // bytes of all the files; 0 when standard input is one
	bytes  atomic.Int64
	events atomic.Int64
	failed atomic.Int64
	start  time.Time
	done   chan struct{}
	wg     sync.WaitGroup
	drawn  bool // only the drawing goroutine writes it, read after wg.Wait
}

func startProgress(w io.Writer, srcs []*source) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w, start: time.Now(), done: make(chan struct{})}
	for _, s := range srcs {
		p.total += s.size
		if s.path == "" {
			p.total = 0 // a pipe's size is unknown, so no share of the total is either
			break
		}
	}
	p.wg.Go(p.loop)
	return p
}

// read counts bytes taken from the inputs (compressed ones as stored).
func (p *progress) read(n int) {
	if p != nil {
		p.bytes.Add(int64(n))
	}
}

func (p *progress) add(r *result) {
	if p == nil || r.outcome == outcomeBlank {
		return
	}
	p.events.Add(1)
	if r.failed() {
		p.failed.Add(1)
	}
}

// stop ends the drawing and clears the line, so the report or the shell
// prompt starts clean.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) loop() {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if time.Since(p.start) >= progressDelay {
				p.draw()
			}
		}
	}
}

func (p *progress) draw() {
	p.drawn = true
	ev := p.events.Load()
	line := fmt.Sprintf("%d events, %d failing, %.0f/s", ev, p.failed.Load(), float64(ev)/time.Since(p.start).Seconds())
	if p.total > 0 {
		frac := min(float64(p.bytes.Load())/float64(p.total), 1)
		filled := int(frac * progressWidth)
		bar := strings.Repeat("=", filled) + strings.Repeat(" ", progressWidth-filled)
		line = fmt.Sprintf("[%s] %3.0f%%  %s", bar, frac*100, line)
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}
