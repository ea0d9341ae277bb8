package pipeline

import "sync"

// Bounds of the off-path judging of frames a candidate refuses.
const (
	// judgeQueueLen is how many refused frames may wait for the judge; a
	// frame that finds the queue full is skipped and counted, never waited for.
	judgeQueueLen = 256
	// judgeMaxCopy is the largest data copied for the judge; larger data is
	// skipped and counted, so the queue holds at most len × this in bytes.
	judgeMaxCopy = 64 << 10
)

// judgeItem is one frame the candidate's fast path did not vouch for: a
// copy of its data and the old version's verdict, known at enqueue time.
type judgeItem struct {
	rt       *route
	data     []byte
	oldValid bool
}

// judge judges, off the reply's path, the frames a candidate's fast path
// does not vouch for: their full report is built and ranked by one
// goroutine per pipeline, fed by a bounded queue that a frame never waits
// on. It is shared by every view of the pipeline (WithObserver copies it)
// and stops with Close.
type judge struct {
	queue chan judgeItem
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func newJudge(p *Pipeline) *judge {
	j := &judge{queue: make(chan judgeItem, judgeQueueLen), stop: make(chan struct{}), done: make(chan struct{})}
	go j.run(p)
	return j
}

// run judges queued frames until stop, then judges what is still queued
// (the drain: frames accepted before Close are counted) and exits.
func (j *judge) run(p *Pipeline) {
	defer close(j.done)
	for {
		select {
		case it := <-j.queue:
			p.judgeFully(it.rt, it.data, it.oldValid)
		case <-j.stop:
			for {
				select {
				case it := <-j.queue:
					p.judgeFully(it.rt, it.data, it.oldValid)
				default:
					return
				}
			}
		}
	}
}

// offer hands a copy of data to the judge without waiting; it reports
// false when it cannot: the data is too large, the queue full, or the
// judge stopped.
func (j *judge) offer(rt *route, data []byte, oldValid bool) bool {
	if len(data) > judgeMaxCopy {
		return false
	}
	select {
	case <-j.stop:
		return false
	default:
	}
	select {
	case j.queue <- judgeItem{rt: rt, data: append([]byte(nil), data...), oldValid: oldValid}:
		return true
	default:
		return false
	}
}

// close stops the judge once it has judged what was queued, and waits
// for it.
func (j *judge) close() {
	j.once.Do(func() { close(j.stop) })
	<-j.done
}

// Close stops p's off-path judge, after it has judged the frames already
// queued; frames offered afterwards are counted as skipped. It is safe
// to call more than once, and while frames are still in p.
func (p *Pipeline) Close() {
	if p.judge != nil {
		p.judge.close()
	}
}

// CandidateSkipped is how many frames a candidate did not judge since p
// was built: the off-path queue was full, the data was too large to copy,
// or p was closed.
func (p *Pipeline) CandidateSkipped() int64 {
	var n int64
	for _, rt := range p.routes {
		if rt.candidate != nil {
			n += rt.candidate.skipped.Load()
		}
	}
	return n
}
