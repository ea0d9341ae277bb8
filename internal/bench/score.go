package bench

import "fmt"

// Bounds on the examples of wrong replies kept for the report: enough to see
// what is wrong, never enough to cost memory on a badly broken server.
const (
	samplesPerConn = 2
	samplesTotal   = 5
	sampleBytes    = 300
)

// connStats is one reader's tally; it is merged into the Result after the
// reader has stopped, so the hot path takes no lock and no shared atomic.
type connStats struct {
	acked, rejected, duplicated, mismatched, malformed int64

	codes     map[int]int64 // rejections by error.code
	hist      histogram
	lastReply int64 // ns on the run clock
	samples   []string
}

// score counts one measured reply to the frame of workload line l; msg
// renders the reply, for a sample when it is wrong.
func (st *connStats) score(r reply, l *line, latency int64, msg func() []byte) {
	st.hist.record(latency)
	if r.ok {
		st.acked++
	} else {
		st.rejected++
		if st.codes == nil {
			st.codes = map[int]int64{}
		}
		st.codes[r.code]++
	}
	if !l.matches(r) {
		st.mismatched++
		st.sample("expected "+l.expect.String(), msg())
	}
}

func (st *connStats) sample(what string, msg []byte) {
	if len(st.samples) >= samplesPerConn {
		return
	}
	if len(msg) > sampleBytes {
		msg = msg[:sampleBytes]
	}
	st.samples = append(st.samples, fmt.Sprintf("%s, got %s", what, msg))
}

// matches says whether r is the verdict the contract requires for l.
func (l *line) matches(r reply) bool {
	switch l.expect {
	case expectAccept:
		return r.ok && (!l.echo || r.hasResult)
	case expectRejectData:
		return !r.ok && (r.code == 3 && r.details || r.code == 5)
	default:
		return !r.ok && r.code == 3
	}
}

// String names what a correct reply looks like, for the wrong-reply samples.
func (e expectation) String() string {
	switch e {
	case expectAccept:
		return `"ok": true`
	case expectRejectData:
		return `"ok": false with code 3 and details, or code 5`
	default:
		return `"ok": false with code 3`
	}
}
