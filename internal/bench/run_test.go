package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// counts is the part of a Result a table row pins down exactly.
type counts struct {
	Sent, Acked, Rejected, Lost, Duplicated, Mismatched, Malformed int64
}

func countsOf(r Result) counts {
	return counts{r.Sent, r.Acked, r.Rejected, r.Lost, r.Duplicated, r.Mismatched, r.Malformed}
}

func runCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRunCountsEveryFault(t *testing.T) {
	const n = 3 // faulty replies per row
	drop := func([]byte, [][]byte) [][]byte { return nil }
	twice := func(_ []byte, r [][]byte) [][]byte { return append(r, r...) }
	reject := func(f []byte, _ [][]byte) [][]byte { return [][]byte{errReply(frameID(f), 3, true)} }
	extra := func(b string) func([]byte, [][]byte) [][]byte {
		return func(_ []byte, r [][]byte) [][]byte { return append(r, []byte(b)) }
	}
	keep := func(_ []byte, r [][]byte) [][]byte { return r }
	tests := []struct {
		name   string
		change func(frame []byte, replies [][]byte) [][]byte // of the first n replies
		want   counts
	}{
		{"clean", keep, counts{Sent: 400, Acked: 400}},
		{"dropped replies are lost", drop, counts{Sent: 400, Acked: 400 - n, Lost: n}},
		{"repeated replies are duplicated", twice, counts{Sent: 400, Acked: 400, Duplicated: n}},
		{"wrong verdicts are mismatched", reject, counts{Sent: 400, Acked: 400 - n, Rejected: n, Mismatched: n}},
		{"null ids count as duplicated", extra(`{"id":null,"ok":false,"error":{"code":3}}`), counts{Sent: 400, Acked: 400, Duplicated: n}},
		{"ids never sent count as duplicated", extra(`{"id":"0-99999","ok":true}`), counts{Sent: 400, Acked: 400, Duplicated: n}},
		{"garbage counts as malformed", extra(`not json`), counts{Sent: 400, Acked: 400, Malformed: n}},
	}
	// At one frame in flight a connection runs in lockstep (lockstep.go):
	// one whose reply was dropped waits for it until the others have sent
	// the Count, and the drain gives up on it without failing it.
	for _, window := range []int{4, 1} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/in-flight %d", tt.name, window), func(t *testing.T) {
				url := (&testServer{reply: firstN(n, acceptAll, tt.change)}).start(t)
				r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/valid.ndjson",
					Conns: 4, InFlight: window, Count: 400, DrainTimeout: 300 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				if got := countsOf(r); got != tt.want {
					t.Errorf("counts = %+v, want %+v", got, tt.want)
				}
				if r.ConnErrors != 0 {
					t.Errorf("conn errors %d %q, want none", r.ConnErrors, r.Errors)
				}
				if r.OK() != (tt.want == counts{Sent: 400, Acked: 400}) {
					t.Errorf("OK() = %v", r.OK())
				}
			})
		}
	}
}

// With one connection the generator walks the workload in order, so the
// verdicts a server gets wrong are known exactly: Count 20 sends every line
// of testdata/mixed.ndjson twice.
func TestRunChecksVerdicts(t *testing.T) {
	tests := []struct {
		name  string
		reply replyFunc
		want  counts
		codes map[int]int64
	}{
		{"contract", contract{}.reply, counts{Sent: 20, Acked: 10, Rejected: 10}, map[int]int64{3: 6, 5: 4}},
		{"no details on bad data", contract{noDetails: true}.reply, counts{Sent: 20, Acked: 10, Rejected: 10, Mismatched: 4}, map[int]int64{3: 6, 5: 4}},
		{"echo without result", contract{noResult: true}.reply, counts{Sent: 20, Acked: 10, Rejected: 10, Mismatched: 4}, map[int]int64{3: 6, 5: 4}},
		// 10 invalid frames accepted, and 4 echo frames answered without result
		{"accepts everything", acceptAll, counts{Sent: 20, Acked: 20, Mismatched: 14}, nil},
	}
	for _, window := range []int{3, 1} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/in-flight %d", tt.name, window), func(t *testing.T) {
				url := (&testServer{reply: tt.reply}).start(t)
				r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/mixed.ndjson",
					Conns: 1, InFlight: window, Count: 20})
				if err != nil {
					t.Fatal(err)
				}
				if got := countsOf(r); got != tt.want {
					t.Errorf("counts = %+v, want %+v; samples %q", got, tt.want, r.Samples)
				}
				if !mapsEqual(r.Codes, tt.codes) {
					t.Errorf("codes = %v, want %v", r.Codes, tt.codes)
				}
				if tt.want.Mismatched > 0 && len(r.Samples) == 0 {
					t.Error("no sample of a wrong reply")
				}
			})
		}
	}
}

func mapsEqual(a, b map[int]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRunDurationWithWarmup(t *testing.T) {
	for _, window := range []int{4, 1} {
		t.Run(fmt.Sprintf("in-flight %d", window), func(t *testing.T) { testRunDurationWithWarmup(t, window) })
	}
}

func testRunDurationWithWarmup(t *testing.T, window int) {
	url := (&testServer{reply: acceptAll}).start(t)
	var progress bytes.Buffer
	const warmup = 600 * time.Millisecond
	start := time.Now()
	r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/valid.ndjson", Conns: 2, InFlight: window,
		Warmup: warmup, Duration: 700 * time.Millisecond, WriteBatch: 1, Progress: &progress})
	wall := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Sent == 0 || r.Acked != r.Sent {
		t.Fatalf("not a clean run: %+v", countsOf(r))
	}
	// The measured window is at least the duration asked for, and the
	// warm-up is not in it: whatever the machine's load, Run spent at
	// least the warm-up before the window opened.
	if r.Elapsed < 700*time.Millisecond || r.Elapsed > wall-warmup {
		t.Errorf("elapsed %v of a %v run with a %v warm-up: want at least the 700ms measured, and no warm-up in it", r.Elapsed, wall, warmup)
	}
	if r.Rate <= 0 || r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.Min > r.P50 {
		t.Errorf("implausible rate or latencies: %+v", r)
	}
	if out := progress.String(); !strings.Contains(out, "\rwarm-up") || !strings.Contains(out, "\rmeasure") {
		t.Errorf("progress output %q lacks warm-up and measure lines", out)
	}
}

func TestRunStopsOnContext(t *testing.T) {
	for _, window := range []int{16, 1} {
		t.Run(fmt.Sprintf("in-flight %d", window), func(t *testing.T) { testRunStopsOnContext(t, window) })
	}
}

func testRunStopsOnContext(t *testing.T, window int) {
	url := (&testServer{reply: acceptAll}).start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := Run(ctx, Options{URL: url, Workload: "testdata/valid.ndjson", Conns: 2, InFlight: window, Duration: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if r.Sent == 0 || r.Acked+r.Lost != r.Sent {
		t.Errorf("partial result inconsistent: %+v", countsOf(r))
	}
}

// A server that hangs up mid-run fails those connections: the run still
// ends, and what was outstanding on them is lost.
func TestRunSurvivesHangUp(t *testing.T) {
	for _, window := range []int{8, 1} {
		t.Run(fmt.Sprintf("in-flight %d", window), func(t *testing.T) { testRunSurvivesHangUp(t, window) })
	}
}

func testRunSurvivesHangUp(t *testing.T, window int) {
	url := (&testServer{reply: acceptAll, hangUp: 50}).start(t)
	r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/valid.ndjson", Conns: 2, InFlight: window,
		Count: 10000, DrainTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.ConnErrors != 2 || len(r.Errors) != 2 || r.OK() {
		t.Errorf("conn errors %d %q, want 2", r.ConnErrors, r.Errors)
	}
	if r.Acked != 100 || r.Acked+r.Lost != r.Sent {
		t.Errorf("counts %+v, want 100 acked and the rest lost", countsOf(r))
	}
}

// A server that stops reading blocks the writers inside a write once the
// socket buffers fill: the run must still end, with the window lost.
func TestRunEndsWhenServerStopsReading(t *testing.T) {
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	url := (&testServer{stall: stall}).start(t)
	big := `{"valid": true, "frame": {"type": "echo", "version": 1, "data": "` + strings.Repeat("x", 256<<10) + `"}}` + "\n"
	workload := filepath.Join(t.TempDir(), "big.ndjson")
	if err := os.WriteFile(workload, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// 1.5s writes far more than loopback buffers hold (~8 MiB), even with
	// -race slowing the masking of every byte.
	r, err := Run(runCtx(t), Options{URL: url, Workload: workload, Conns: 1, InFlight: 256,
		Duration: 1500 * time.Millisecond, DrainTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("took %v to end", took)
	}
	if r.Acked != 0 || r.Lost != r.Sent || r.Sent == 0 || r.Sent == 256 {
		t.Errorf("counts %+v, want a partly sent window, all lost", countsOf(r))
	}
	if r.ConnErrors != 1 {
		t.Errorf("conn errors %d %q, want the stuck write's; %+v", r.ConnErrors, r.Errors, countsOf(r))
	}
}

func TestRunDialFailures(t *testing.T) {
	ts := &testServer{reply: acceptAll, check: func(r *http.Request) bool {
		return r.Header.Get("Authorization") == "Bearer t" && r.Header.Get("Origin") == "https://app.example"
	}}
	url := ts.start(t)
	base := Options{URL: url, Workload: "testdata/valid.ndjson", Conns: 2, Count: 10}
	if _, err := Run(runCtx(t), base); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("without auth: err = %v, want a 403", err)
	}
	o := base
	o.Header = http.Header{"Authorization": {"Bearer t"}}
	o.Origin = "https://app.example"
	if r, err := Run(runCtx(t), o); err != nil || r.Acked != 10 {
		t.Errorf("with auth and origin: %v, %+v", err, countsOf(r))
	}
	o.URL = strings.TrimSuffix(url, "/ws") + "/nope"
	if _, err := Run(runCtx(t), o); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("wrong path: err = %v, want a 404", err)
	}
}

func TestOptionsRejected(t *testing.T) {
	ok := Options{URL: "ws://127.0.0.1:1/ws", Workload: "testdata/valid.ndjson"}
	tests := []struct {
		name string
		edit func(*Options)
	}{
		{"http url", func(o *Options) { o.URL = "http://127.0.0.1/ws" }},
		{"no workload", func(o *Options) { o.Workload = "" }},
		{"missing workload", func(o *Options) { o.Workload = "testdata/nope.ndjson" }},
		{"negative conns", func(o *Options) { o.Conns = -1 }},
		{"huge window", func(o *Options) { o.InFlight = maxInFlight + 1 }},
		{"negative duration", func(o *Options) { o.Duration = -time.Second }},
		{"negative count", func(o *Options) { o.Count = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			if _, err := Run(runCtx(t), o); err == nil {
				t.Error("Run accepted bad options")
			}
		})
	}
}

func TestResultWriters(t *testing.T) {
	r := Result{URL: "ws://x/ws", Workload: "w/valid.ndjson", Conns: 2, InFlight: 4, Sent: 10, Acked: 8,
		Rejected: 1, Lost: 1, Codes: map[int]int64{3: 1}, Elapsed: time.Second, Rate: 9,
		P50: 1500 * time.Microsecond, P99: 3 * time.Millisecond, Max: 4 * time.Millisecond,
		Samples: []string{"expected x, got y"}}
	var text bytes.Buffer
	r.WriteText(&text)
	for _, want := range []string{"valid.ndjson", "9/s", "lost 1", "3=1", "p99 3ms", "wrong reply: expected x"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["p50_us"] != 1500.0 || got["lost"] != 1.0 || got["ok"] != false || got["elapsed_s"] != 1.0 {
		t.Errorf("json = %s", js.String())
	}
	if codes, _ := got["codes"].(map[string]any); codes["3"] != 1.0 {
		t.Errorf("codes = %v", got["codes"])
	}
}

// A reply the server still owes when sending stops is waited for, within
// the drain timeout, also by a connection in lockstep, whose one goroutine
// is then inside a read: a slow reply is scored, and one that never comes
// is lost without failing the connection.
func TestRunDrainsInLockstep(t *testing.T) {
	slow := func(frame []byte) [][]byte {
		time.Sleep(20 * time.Millisecond)
		return acceptAll(frame)
	}
	var n atomic.Int64
	dropFifth := func(frame []byte) [][]byte {
		if n.Add(1) == 5 {
			return nil
		}
		return acceptAll(frame)
	}
	tests := []struct {
		name  string
		reply replyFunc
		drain time.Duration
		want  counts
	}{
		{"a slow reply is scored", slow, 5 * time.Second, counts{}},
		{"a reply never sent is lost", dropFifth, 300 * time.Millisecond, counts{Sent: 5, Acked: 4, Lost: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := (&testServer{reply: tt.reply}).start(t)
			r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/valid.ndjson", Conns: 1, InFlight: 1,
				Duration: 300 * time.Millisecond, DrainTimeout: tt.drain})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == (counts{}) { // as many as the duration allowed, all acked
				want = counts{Sent: r.Sent, Acked: r.Sent}
			}
			if got := countsOf(r); got != want || r.Sent == 0 {
				t.Errorf("counts %+v, want %+v", got, want)
			}
			if r.ConnErrors != 0 {
				t.Errorf("conn errors %d %q, want none", r.ConnErrors, r.Errors)
			}
		})
	}
}
