package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxErrors bounds the connection errors kept for the report.
const maxErrors = 5

// Result is what one run measured. Counts cover the measured window only:
// frames sent after warm-up and before the stop, and the replies to them.
type Result struct {
	// URL, Workload, Conns and InFlight echo the run's setup for the report.
	URL      string
	Workload string
	Conns    int
	InFlight int

	// Sent is the frames written; Acked and Rejected are the replies with ok
	// true and false. Lost were never answered before the drain timeout.
	Sent, Acked, Rejected, Lost int64
	// Duplicated is replies whose id was not outstanding: answered before,
	// never sent, or null. Mismatched is replies whose verdict breaks the
	// contract for that frame (see CONTRACT.md); Malformed is replies that
	// are not a JSON object with a boolean "ok".
	Duplicated, Mismatched, Malformed int64
	// Codes counts rejections by error.code.
	Codes map[int]int64

	// Elapsed is the measured window: from its start to the later of the
	// stop and the last reply to a measured frame.
	Elapsed time.Duration
	// Rate is replies (Acked+Rejected) per second of Elapsed.
	Rate float64
	// Latency from write to reply, over every measured reply.
	Min, Mean, P50, P90, P99, P999, Max time.Duration
	// ClientCPU is the CPU this process used per second of the measured
	// window, in cores: how much of a shared box the generator itself took.
	ClientCPU float64

	// ConnErrors is how many connections failed before the run's end;
	// Errors holds the first few of those errors.
	ConnErrors int
	Errors     []string
	// Samples shows the first few wrong replies, for debugging a server.
	Samples []string
}

// OK reports a clean run: every frame answered once, correctly, on
// connections that stayed up.
func (r Result) OK() bool {
	return r.Lost == 0 && r.Duplicated == 0 && r.Mismatched == 0 &&
		r.Malformed == 0 && r.ConnErrors == 0
}

// collect merges the connections' tallies; call after all are done.
func collect(sh *shared, conns []*conn) Result {
	r := Result{URL: sh.o.URL, Workload: sh.o.Workload, Conns: len(conns), InFlight: sh.o.InFlight}
	var h histogram
	end := sh.stopAt
	for _, c := range conns {
		r.Sent += c.sent
		r.Lost += c.lost()
		r.addStats(&c.st)
		h.merge(&c.st.hist)
		end = max(end, c.lastSend, c.st.lastReply)
		r.addError(c.wErr, c.rErr)
	}
	if sh.began && end > sh.measureStart {
		r.Elapsed = time.Duration(end - sh.measureStart)
		r.Rate = float64(r.Acked+r.Rejected) / r.Elapsed.Seconds()
	}
	if wall := sh.cpuEndAt - sh.measureStart; sh.began && wall > 0 {
		r.ClientCPU = float64(sh.cpuEnd-sh.cpuStart) / float64(wall)
	}
	r.Min, r.Max, r.Mean = time.Duration(h.min), time.Duration(h.max), h.mean()
	r.P50, r.P90, r.P99, r.P999 = h.quantile(0.50), h.quantile(0.90), h.quantile(0.99), h.quantile(0.999)
	return r
}

func (r *Result) addStats(st *connStats) {
	r.Acked += st.acked
	r.Rejected += st.rejected
	r.Duplicated += st.duplicated
	r.Mismatched += st.mismatched
	r.Malformed += st.malformed
	for code, n := range st.codes {
		if r.Codes == nil {
			r.Codes = map[int]int64{}
		}
		r.Codes[code] += n
	}
	for _, s := range st.samples {
		if len(r.Samples) < samplesTotal {
			r.Samples = append(r.Samples, s)
		}
	}
}

// addError counts a connection as failed if its writer or reader failed.
func (r *Result) addError(errs ...error) {
	for _, err := range errs {
		if err == nil {
			continue
		}
		r.ConnErrors++
		if len(r.Errors) < maxErrors {
			r.Errors = append(r.Errors, err.Error())
		}
		return
	}
}

// WriteText writes a short human summary.
func (r Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s  %s  %d conns x %d in flight\n",
		r.URL, filepath.Base(r.Workload), r.Conns, r.InFlight)
	fmt.Fprintf(w, "replies    %d in %s = %.0f/s  (sent %d, acked %d, rejected %d%s)\n",
		r.Acked+r.Rejected, r.Elapsed.Round(time.Millisecond), r.Rate,
		r.Sent, r.Acked, r.Rejected, codesText(r.Codes))
	fmt.Fprintf(w, "latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s)\n",
		us(r.P50), us(r.P90), us(r.P99), us(r.P999), us(r.Max), us(r.Mean))
	fmt.Fprintf(w, "errors     lost %d  duplicated %d  mismatched %d  malformed %d  failed conns %d\n",
		r.Lost, r.Duplicated, r.Mismatched, r.Malformed, r.ConnErrors)
	fmt.Fprintf(w, "generator  %.2f cores\n", r.ClientCPU)
	for _, s := range r.Errors {
		fmt.Fprintf(w, "  conn error: %s\n", s)
	}
	for _, s := range r.Samples {
		fmt.Fprintf(w, "  wrong reply: %s\n", s)
	}
}

// us rounds a latency for reading: microseconds are the useful grain here.
func us(d time.Duration) string {
	return d.Round(time.Microsecond).String()
}

func codesText(codes map[int]int64) string {
	if len(codes) == 0 {
		return ""
	}
	keys := make([]int, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var b strings.Builder
	b.WriteString("; by code:")
	for _, k := range keys {
		fmt.Fprintf(&b, " %d=%d", k, codes[k])
	}
	return b.String()
}

// jsonResult is the stable machine form: snake_case keys, latencies in
// microseconds and time in seconds as floats, so a comparison script needs no
// knowledge of Go durations.
type jsonResult struct {
	URL        string           `json:"url"`
	Workload   string           `json:"workload"`
	Conns      int              `json:"conns"`
	InFlight   int              `json:"in_flight"`
	Sent       int64            `json:"sent"`
	Acked      int64            `json:"acked"`
	Rejected   int64            `json:"rejected"`
	Lost       int64            `json:"lost"`
	Duplicated int64            `json:"duplicated"`
	Mismatched int64            `json:"mismatched"`
	Malformed  int64            `json:"malformed"`
	Codes      map[string]int64 `json:"codes"`
	ElapsedS   float64          `json:"elapsed_s"`
	Rate       float64          `json:"rate"`
	MinUS      float64          `json:"min_us"`
	MeanUS     float64          `json:"mean_us"`
	P50US      float64          `json:"p50_us"`
	P90US      float64          `json:"p90_us"`
	P99US      float64          `json:"p99_us"`
	P999US     float64          `json:"p999_us"`
	MaxUS      float64          `json:"max_us"`
	ClientCPU  float64          `json:"client_cpu"`
	ConnErrors int              `json:"conn_errors"`
	Errors     []string         `json:"errors"`
	Samples    []string         `json:"samples"`
	OK         bool             `json:"ok"`
}

// WriteJSON writes the result as one JSON object for scripts.
func (r Result) WriteJSON(w io.Writer) error {
	codes := map[string]int64{}
	for k, n := range r.Codes {
		codes[fmt.Sprint(k)] = n
	}
	micro := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonResult{
		URL: r.URL, Workload: r.Workload, Conns: r.Conns, InFlight: r.InFlight,
		Sent: r.Sent, Acked: r.Acked, Rejected: r.Rejected, Lost: r.Lost,
		Duplicated: r.Duplicated, Mismatched: r.Mismatched, Malformed: r.Malformed,
		Codes: codes, ElapsedS: r.Elapsed.Seconds(), Rate: r.Rate,
		MinUS: micro(r.Min), MeanUS: micro(r.Mean), P50US: micro(r.P50), P90US: micro(r.P90),
		P99US: micro(r.P99), P999US: micro(r.P999), MaxUS: micro(r.Max),
		ClientCPU: r.ClientCPU, ConnErrors: r.ConnErrors,
		Errors: nonNil(r.Errors), Samples: nonNil(r.Samples), OK: r.OK(),
	})
}

// nonNil makes empty lists [] rather than null, which scripts handle better.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
