package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/bench"
)

// benchFlags are the bench command's flags. The engine's own settings
// bind straight onto bench.Options, so there is no second copy of them to
// keep in step; the fields beside it are the command's alone.
type benchFlags struct {
	clientFlags
	engine bench.Options
	idle   int
	hold   time.Duration
	json   bool
}

func (f *benchFlags) declare(fl *pflag.FlagSet) {
	f.clientFlags.declare(fl, "ws://127.0.0.1:8090/ws", "WebSocket endpoint of the server under test")
	o := &f.engine
	fl.StringVarP(&o.Workload, "workload", "w", "", "NDJSON workload file ({\"valid\":bool,\"frame\":{...}} a line)")
	fl.IntVarP(&o.Conns, "conns", "c", 64, "connections")
	fl.IntVarP(&o.InFlight, "in-flight", "n", 16, "unanswered frames allowed per connection")
	fl.DurationVarP(&o.Duration, "duration", "d", 0, "measured time (default 10s unless --count is set)")
	fl.IntVar(&o.Count, "count", 0, "stop after this many measured frames (with --duration, whichever comes first)")
	fl.DurationVar(&o.Warmup, "warmup", 2*time.Second, "load sent before measuring, not counted")
	fl.BoolVar(&f.json, "json", false, "print the result as one JSON object")
	fl.DurationVar(&o.DrainTimeout, "drain-timeout", 0, "once sending stops, how long to wait for the replies still owed (default 5s)")
	fl.IntVar(&f.idle, "idle", 0, "instead of load, open this many idle connections and hold them")
	fl.DurationVar(&f.hold, "hold", 0, "with --idle: how long to hold (default until interrupted)")
}

func newBenchCmd(s streams) *cobra.Command {
	return withFlags(&cobra.Command{
		Use:   "bench",
		Short: "Measure any server that speaks the wire contract",
		Long: `Drive a server that speaks shared/bench/CONTRACT.md with a workload of
frames over many connections, check every reply, and print replies per
second, latency percentiles and every lost, duplicated or wrongly judged
frame. Exit code 1 if any frame was lost, duplicated or misjudged.
Interrupted (Ctrl-C), it stops sending, waits for the replies it is owed
(at most --drain-timeout) and prints what it saw.

  schemagate bench --url ws://127.0.0.1:8090/ws --workload ../shared/bench/workloads/person-valid.ndjson
  schemagate bench -c 1 -n 1 --count 20000 --workload order-valid.ndjson --json
  schemagate bench --idle 10000 --hold 30s     # hold idle connections, for memory`,
		Args: cobra.NoArgs,
	}, (*benchFlags).declare, func(cmd *cobra.Command, _ []string, f benchFlags) error {
		if f.idle > 0 {
			return runIdle(cmd.Context(), f, s)
		}
		return runBench(cmd.Context(), f, s)
	})
}

// options completes the engine's options with the client flags.
func (f benchFlags) options() bench.Options {
	o := f.engine
	o.URL, o.Origin = f.url, f.origin
	if f.token != "" {
		o.Header = http.Header{"Authorization": {"Bearer " + f.token}}
	}
	return o
}

// runBench is the bench command: it runs the load generator (or holds
// idle connections) and prints the result, exit code 1 when any frame was
// lost, duplicated or wrongly judged.
func runBench(ctx context.Context, f benchFlags, s streams) error {
	if f.engine.Workload == "" {
		return usageError(fmt.Errorf("bench: --workload is required"))
	}
	if f.engine.Conns <= 0 || f.engine.InFlight <= 0 {
		return usageError(fmt.Errorf("bench: --conns and --in-flight must be at least 1"))
	}
	o := f.options()
	o.Progress = terminal(s.err)
	r, err := bench.Run(ctx, o)
	if err != nil && ctx.Err() == nil {
		return err // it could not start: options, workload or dial
	}
	if f.json {
		if werr := r.WriteJSON(s.out); werr != nil {
			return werr
		}
	} else {
		r.WriteText(s.out)
	}
	if err != nil {
		return err // interrupted: the partial result is printed
	}
	if !r.OK() {
		return reportedError{code: 1}
	}
	return nil
}

// runIdle holds f.idle connections open until --hold passes or the command
// is interrupted. The "holding" line on stdout tells a script (or a person
// watching the server's memory) that every connection is up.
func runIdle(ctx context.Context, f benchFlags, s streams) error {
	o := f.options()
	closeAll, err := bench.IdleWith(ctx, o, f.idle)
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintf(s.out, "holding %d idle connections to %s\n", f.idle, f.url)
	var timeout <-chan time.Time
	if f.hold > 0 {
		t := time.NewTimer(f.hold)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
	case <-timeout:
	}
	return nil
}
