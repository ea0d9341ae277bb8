package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/codegen"
)

type genFlags struct {
	out, pkg string
	check    bool
}

func (f *genFlags) declare(fl *pflag.FlagSet) {
	configFlags(fl)
	fl.StringVarP(&f.out, "out", "o", "events_gen.go", "the Go file to write")
	fl.StringVarP(&f.pkg, "package", "p", "events", "its package name")
	fl.BoolVar(&f.check, "check", false, "exit 1 if the file is stale instead of writing it")
}

func newGenCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "gen", Short: "Generate code from the schema tree"}
	cmd.AddCommand(withFlags(&cobra.Command{
		Use:   "go",
		Short: "Write Go types for every schema (one per type and version)",
		Long: `Write one Go file with a type per (type, version), named from both
(order.placed v1 → OrderPlacedV1), the shared types of $defs, json tags,
optional members as pointers, string enums as constants, date-time as
wire.DateTime and numbers as wire.Number (every digit kept). Each event type
has an EventKey method. What Go cannot express (oneOf, patternProperties...)
is raw JSON, with a comment that says why.

With --check, write nothing and exit 1 if the file is not what the schemas
give now (for CI).

  schemagate gen go --schemas ./schemas --out events/types_gen.go --package events`,
		Args: cobra.NoArgs,
	}, (*genFlags).declare, func(cmd *cobra.Command, _ []string, f genFlags) error {
		_, reg, err := loadConfigAndRegistry(cmd)
		if err != nil {
			return err
		}
		src, types, err := codegen.Generate(reg, f.pkg)
		if err != nil {
			return err
		}
		if f.check {
			return checkGenerated(f.out, src, s)
		}
		if err := os.MkdirAll(filepath.Dir(f.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.out, src, 0o644); err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.out, "wrote %s: %d event types\n", f.out, len(types))
		return err
	}))
	return cmd
}

// checkGenerated compares what the schemas give with the file on disk.
func checkGenerated(path string, want []byte, s streams) error {
	have, err := os.ReadFile(path)
	if err == nil && bytes.Equal(have, want) {
		_, err := fmt.Fprintf(s.out, "ok: %s is up to date\n", path)
		return err
	}
	why := "differs from what the schemas give now"
	if err != nil {
		why = err.Error()
	}
	fmt.Fprintf(s.err, "%s is stale (%s): run schemagate gen go again\n", path, why)
	return reportedError{code: 1}
}
