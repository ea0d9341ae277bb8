package main

import (
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/report"
)

type validateFlags struct {
	typ, format        string
	version, maxErrors int
	candidate          int
	workers            int
	stream, failFast   bool
	quiet              bool
}

func (f *validateFlags) declare(fl *pflag.FlagSet) {
	configFlags(fl)
	fl.StringVarP(&f.format, "format", "o", "text", "report format: "+strings.Join(report.Formats(), ", "))
	fl.BoolVar(&f.stream, "stream", false, "with --format json: NDJSON, one line per event, then the summary")
	fl.StringVarP(&f.typ, "type", "t", "", "treat every record as bare data of this type")
	fl.IntVarP(&f.version, "version", "v", 1, "with --type: the schema version")
	fl.IntVar(&f.candidate, "candidate", 0, "compare each record with this version of its type (0: off)")
	fl.IntVar(&f.maxErrors, "max-errors", 0, "stop after this many failing events (0: no limit)")
	fl.BoolVar(&f.failFast, "fail-fast", false, "stop at the first failing event")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary")
	fl.IntVar(&f.workers, "workers", runtime.NumCPU(), "validating goroutines")
}

func newValidateCmd(s streams) *cobra.Command {
	return withFlags(&cobra.Command{
		Use:   "validate [file|dir|-]...",
		Short: "Validate batches of events and report, with the server's registry and rules",
		Long: `Validate events from files, folders (recursively) or stdin ("-", the
default): NDJSON envelopes, a JSON array of envelopes, or bare data with
--type/--version. Gzip input is read as is. The schemas and rules are the
server's (--config, --schemas), so a report never disagrees with a live
rejection.

Exit code 0 when every event is valid, 1 when any is invalid, unknown or
malformed, 2 for a usage, configuration or schema problem.

With --candidate N, each record (dead letter lines included: their frame
is replayed) is judged by the version it names and by version N of its
type, and the report says what would change: counts by outcome (both
valid, both invalid, only old valid, only new valid), the candidate's top
failing keywords and instance paths, and sample records. Exit code 1 when
the candidate would refuse any record its version accepts.`,
	}, (*validateFlags).declare, func(cmd *cobra.Command, args []string, f validateFlags) error {
		cfg, reg, err := loadConfigAndRegistry(cmd)
		if err != nil {
			return err
		}
		o := report.Options{
			Registry: reg, Inputs: args, Stdin: s.in, Type: f.typ, Version: f.version,
			Format: f.format, Stream: f.stream, MaxErrors: f.maxErrors, FailFast: f.failFast,
			Quiet: f.quiet, Workers: f.workers, Color: terminal(s.out) != nil, Progress: terminal(s.err),
			// The server's limits, so a batch refuses what a live
			// connection would.
			MaxDepth: cfg.Schemas.MaxDepth, MaxRecordBytes: int(cfg.WebSocket.ReadLimit),
		}
		if f.candidate != 0 {
			o.Candidate = f.candidate
			sum, err := report.RunCandidate(cmd.Context(), o, s.out)
			return exitWith(sum.ExitCode(), err)
		}
		sum, err := report.Run(cmd.Context(), o, s.out)
		return exitWith(sum.ExitCode(), err)
	})
}

// exitWith is a run's error, or else the report's exit code as one.
func exitWith(code int, err error) error {
	if err != nil {
		return err
	}
	if code != 0 {
		return reportedError{code: code}
	}
	return nil
}
