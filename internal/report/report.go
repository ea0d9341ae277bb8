// Package report validates batches of events offline, with the server's
// registry and the server's envelope rules, and writes what it found as
// text, JSON, JUnit XML or a self-contained HTML page.
package report

import (
	"bufio"
	"context"
	"errors"
	"io"
	"runtime"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// The output formats Options.Format accepts.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatJUnit = "junit"
	FormatHTML  = "html"
)

// DefaultMaxRecordBytes bounds one line or array element. It exists so that
// a file without newlines cannot make the reader hold gigabytes at once.
const DefaultMaxRecordBytes = 16 << 20

// Formats lists the accepted values of Options.Format, for flag help.
func Formats() []string { return []string{FormatText, FormatJSON, FormatJUnit, FormatHTML} }

// Options says what to read, how to check it and how to report it.
type Options struct {
	// Registry is the compiled schema tree, loaded as the server loads it.
	Registry *validate.Registry
	// Inputs are files, folders (read recursively) and "-" for Stdin; none
	// means Stdin.
	Inputs []string
	// Stdin is read for "-".
	Stdin io.Reader
	// Type and Version, when Type is set, switch to bare data mode: every
	// line is the data of an event of that schema, as on a bare route.
	// Version is ignored without Type, so a flag default of 1 is harmless.
	Type    string
	Version int
	// Format is text (the default), json, junit or html.
	Format string
	// Stream writes json as NDJSON: one line per event, then the summary.
	Stream bool
	// MaxErrors stops the run after that many failing events; 0 is no limit.
	MaxErrors int
	// FailFast stops at the first failing event.
	FailFast bool
	// Quiet leaves out per-event output in text and json: only the summary.
	Quiet bool
	// Workers validate in parallel; runtime.NumCPU() when zero.
	Workers int
	// Color styles text output; the caller knows whether stdout is a terminal.
	Color bool
	// Progress, when set, receives a progress line; set it only when stderr
	// is a terminal.
	Progress io.Writer
	// MaxDepth bounds nesting as the server's schemas.max_depth does
	// (config.DefaultMaxDepth when zero).
	MaxDepth int
	// MaxRecordBytes bounds one line or array element; longer ones are
	// reported as malformed (DefaultMaxRecordBytes when zero).
	MaxRecordBytes int
	// Candidate, when not 0, makes the run a comparison (RunCandidate):
	// each record is judged by the version it names and by this version of
	// its type, and the report says what would change.
	Candidate int

	// now is the clock; tests pin it so that reports are byte-stable.
	now func() time.Time
}

// Run reads every input, validates each event and writes the report to
// stdout. The error is only for problems with the call itself (options,
// missing inputs; a *status.Error whose ExitCode is 2), a failed read or
// write, or cancellation; failing events are in the Summary.
func Run(ctx context.Context, o Options, stdout io.Writer) (Summary, error) {
	o, srcs, err := begin(o)
	if err != nil {
		return Summary{}, err
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	snk := newSink(&o, out)
	start := o.now()
	t := newTally(o.MaxErrors)
	prog := startProgress(o.Progress, srcs)
	var writeErr error
	readErr := runPool(ctx, &o, srcs, prog, func(r *result) bool {
		t.add(r)
		prog.add(r)
		if r.outcome == outcomeBlank {
			return true
		}
		if writeErr = snk.event(r); writeErr != nil {
			return false
		}
		return !t.stopped
	})
	prog.stop()
	sum := t.summary(o.now().Sub(start), isContextErr(readErr))
	return sum, finish(func() error { return snk.end(&sum) }, out, readErr, writeErr)
}

// begin settles o's defaults and expands its inputs: what every run checks
// before it reads anything, so that a bad call fails with nothing written.
func begin(o Options) (Options, []*source, error) {
	o, err := o.withDefaults()
	if err != nil {
		return o, nil, err
	}
	srcs, err := collectSources(o.Inputs, o.Stdin)
	return o, srcs, err
}

// finish closes the report with end even after a failure, so that a
// cancelled run still leaves a well-formed document behind, and picks the
// error to return.
func finish(end func() error, out *bufio.Writer, readErr, writeErr error) error {
	endErr := end()
	if writeErr == nil {
		writeErr = endErr
	}
	if err := out.Flush(); writeErr == nil {
		writeErr = err
	}
	switch {
	case errors.Is(readErr, context.DeadlineExceeded):
		return status.Wrap(codes.DeadlineExceeded, readErr, "out of time; the report covers the events read so far")
	case isContextErr(readErr):
		return status.Wrap(codes.Canceled, readErr, "interrupted; the report covers the events read so far")
	case readErr != nil:
		return readErr
	case writeErr != nil:
		return status.Wrap(codes.Unavailable, writeErr, "writing the report failed")
	}
	return nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// withDefaults checks o and fills in the zero values. Mistakes are
// INVALID_ARGUMENT or NOT_FOUND, which exit with 2 as usage problems.
func (o Options) withDefaults() (Options, error) {
	if o.Registry == nil {
		return o, status.New(codes.InvalidArgument, "no schema registry")
	}
	switch o.Format {
	case "":
		o.Format = FormatText
	case FormatText, FormatJSON, FormatJUnit, FormatHTML:
	default:
		return o, status.Newf(codes.InvalidArgument, "unknown format %q (want text, json, junit or html)", o.Format)
	}
	if o.Stream && o.Format != FormatJSON {
		return o, status.New(codes.InvalidArgument, "streaming is only for the json format")
	}
	if o.MaxErrors < 0 || o.Workers < 0 || o.MaxRecordBytes < 0 {
		return o, status.New(codes.InvalidArgument, "max errors, workers and max record bytes cannot be negative")
	}
	if err := o.checkBare(); err != nil {
		return o, err
	}
	if err := o.checkCandidate(); err != nil {
		return o, err
	}
	if o.FailFast {
		o.MaxErrors = 1
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.MaxRecordBytes == 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.Quiet {
		o.Progress = nil
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o, nil
}

// checkBare refuses a bare-data key the registry lacks up front: every line
// would fail the same way, which is a mistake in the call, not in the data.
func (o Options) checkBare() error {
	if o.Type == "" {
		return nil
	}
	key := event.Key{Type: o.Type, Version: o.Version}
	if !key.Valid() {
		return status.Newf(codes.InvalidArgument, "bare data needs a type matching %s and a version >= 1", event.TypePattern)
	}
	if _, ok := o.Registry.Lookup(key); !ok {
		return validate.NoSchema(key)
	}
	return nil
}
