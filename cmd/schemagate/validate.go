package main

import (
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/report"
)

type validateFlags struct {
	typ, format        string
	version, maxErrors int
	workers            int
	stream, failFast   bool
	quiet              bool
}

func newValidateCmd(s streams) *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate [file|dir|-]...",
		Short: "Validate batches of events and report, with the server's registry and rules",
		Long: `Validate events from files, folders (recursively) or stdin ("-", the
default): NDJSON envelopes, a JSON array of envelopes, or bare data with
--type/--version. Gzip input is read as is. The schemas and rules are the
server's (--config, --schemas), so a report never disagrees with a live
rejection.

Exit code 0 when every event is valid, 1 when any is invalid, unknown or
malformed, 2 for a usage, configuration or schema problem.`,
		RunE: func(cmd *cobra.Command, args []string) error {
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
			sum, err := report.Run(cmd.Context(), o, s.out)
			if err != nil {
				return err
			}
			if code := sum.ExitCode(); code != 0 {
				return reportedError{code: code}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	configFlags(fl)
	fl.StringVarP(&f.format, "format", "o", "text", "report format: "+strings.Join(report.Formats(), ", "))
	fl.BoolVar(&f.stream, "stream", false, "with --format json: NDJSON, one line per event, then the summary")
	fl.StringVarP(&f.typ, "type", "t", "", "treat every record as bare data of this type")
	fl.IntVarP(&f.version, "version", "v", 1, "with --type: the schema version")
	fl.IntVar(&f.maxErrors, "max-errors", 0, "stop after this many failing events (0: no limit)")
	fl.BoolVar(&f.failFast, "fail-fast", false, "stop at the first failing event")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary")
	fl.IntVar(&f.workers, "workers", runtime.NumCPU(), "validating goroutines")
	return cmd
}
