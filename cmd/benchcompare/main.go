// Command benchcompare runs schemagate and the reference peers in
// ../shared/peers through the same scenarios with `schemagate bench`,
// interleaved so that a box whose speed drifts treats every server alike,
// and writes a Markdown table of absolute figures and ratios to a
// reference server. scripts/compare.sh installs the peers, builds both
// binaries and calls it; the table goes into BENCHMARKS.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is everything a comparison run needs, from flags.
type config struct {
	schemagate string // the binary: both a server and the load generator
	repo       string // schemagate's repo root, where configs/bench.yaml lives
	shared     string // ../shared: peers, schemas, workloads
	servers    string // comma-separated names to run, in order
	baseline   string // the server ratios are taken against
	ceiling    string // the server that judges nothing: the limit
	out        string // Markdown file to update ("" prints to stdout)
	duration   time.Duration
	warmup     time.Duration
	idle       int
	rounds     int
	only       string // run just the scenarios whose name contains this
}

func main() {
	var c config
	flag.StringVar(&c.schemagate, "schemagate", "./schemagate", "schemagate binary")
	flag.StringVar(&c.repo, "repo", ".", "schemagate repository root")
	flag.StringVar(&c.shared, "shared", "../shared", "shared folder with bench/ and peers/")
	flag.StringVar(&c.servers, "servers", "schemagate,go-ceiling,schemagate-grpc,node-ws-ajv,go-naive,python-websockets", "servers to run, in order")
	flag.StringVar(&c.baseline, "baseline", "node-ws-ajv", "server the ratios are taken against")
	flag.StringVar(&c.ceiling, "ceiling", "go-ceiling", "server that judges nothing, the fractions of the limit are taken against")
	flag.StringVar(&c.out, "out", "", "Markdown file whose results section is replaced (default: stdout)")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "measured time per load run")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured load before each measured run")
	flag.IntVar(&c.idle, "idle", 10000, "idle connections held for the memory scenario (0 skips it)")
	flag.IntVar(&c.rounds, "rounds", 1, "times each scenario runs per server; the median is reported")
	flag.StringVar(&c.only, "only", "", "run just the scenarios whose name contains this (for quick checks)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := compare(ctx, c)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}
