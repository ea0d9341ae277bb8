package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// version, when set at build time with -ldflags "-X main.version=...",
// overrides the module version the build info carries.
var version = ""

// streams are the process's standard streams, passed down so that the
// whole program runs in-process in tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// terminal returns w when it is a terminal, so the live progress line (which
// redraws itself with \r) never ends up in a log or a pipe.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}

// run is the whole program: main only supplies the process's context,
// arguments and streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	s := streams{in: stdin, out: stdout, err: stderr}
	root := &cobra.Command{
		Use:           "schemagate",
		Short:         "A gateway that lets only well-formed events in",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion().String(),
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newServeCmd(s), newSendCmd(s), newSchemasCmd(s), newCompatCmd(s), newDocsCmd(s), newVersionCmd(s), newBenchCmd(s),
		newValidateCmd(s), newWebhooksCmd(s), newGenCmd(s), newProbeCmd(s))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	if err := root.ExecuteContext(ctx); err != nil {
		if isUsage(err) {
			return usageError(err)
		}
		return err
	}
	return nil
}

// usageError marks a problem with how the program was called or
// configured: exit code 2.
func usageError(err error) error {
	var se *status.Error
	if errors.As(err, &se) {
		return err
	}
	return status.Wrap(codes.InvalidArgument, err, err.Error())
}

// isUsage recognizes cobra's own argument errors, which it returns as plain
// errors.
func isUsage(err error) bool {
	var se *status.Error
	if errors.As(err, &se) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// reportedError is an error whose report the command already wrote (a
// validation run that found invalid events): main prints nothing more.
type reportedError struct{ code int }

func (e reportedError) Error() string { return "reported" }

func isReported(err error) bool {
	var r reportedError
	return errors.As(err, &r)
}

// exitCode derives the process exit code from the error, in one place.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var r reportedError
	if errors.As(err, &r) {
		return r.code
	}
	return status.From(err).ExitCode()
}
