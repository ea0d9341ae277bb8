package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/compat"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/server"
)

type compatFlags struct {
	against, mode, format, failOn string
	transitive                    bool
}

func (f *compatFlags) declare(fl *pflag.FlagSet) {
	configFlags(fl)
	fl.StringVar(&f.against, "against", "", "judge the tree against a schema folder or a git ref (branch, tag, commit)")
	fl.StringVar(&f.mode, "mode", "", "mode for every type: backward, forward, full or none (default: schemas.compat)")
	fl.BoolVar(&f.transitive, "transitive", false, "judge each version against every earlier one (default: schemas.compat.transitive)")
	fl.StringVarP(&f.format, "format", "o", "text", "report format: "+strings.Join(compat.Formats(), ", "))
	fl.StringVar(&f.failOn, "fail-on", "error", "least severity that fails the run: error or warning")
}

func newCompatCmd(s streams) *cobra.Command {
	return withFlags(&cobra.Command{
		Use:   "compat",
		Short: "Judge whether schema versions keep their compatibility mode, with counterexamples",
		Long: `Judge each type's consecutive versions in the schema tree (with
--transitive, each version against every earlier one), or the tree against
another: --against DIR (a schema folder) or --against GIT_REF (the tree as
it was at that commit, read from git without a checkout). Each version in
both trees is judged against its old self, a version gone is a break, and a
version new to the tree is judged against the ones before it.

Modes (schemas.compat in the configuration, --mode for every type):
backward: every instance valid under the older version is valid under the
newer; forward: the reverse; full: both; none: not judged.

A break is reported with a counterexample: an instance run through both
compiled schemas, valid under one and invalid under the other. A difference
the checker could not settle is a warning ("cannot prove compatible").

Exit code 0 compatible, 1 a finding at or above --fail-on, 2 a usage,
configuration or schema problem.`,
		Args: cobra.NoArgs,
	}, (*compatFlags).declare, func(cmd *cobra.Command, _ []string, f compatFlags) error {
		return runCompat(cmd, f, s)
	})
}

// runCompat judges the configured tree (with --against, against another
// folder or a git ref) by the modes serve would enforce, so that CI can
// refuse a breaking schema before a gateway refuses to start on it. Bad
// flags are usage errors (exit 2); the report's verdict sets the exit code.
func runCompat(cmd *cobra.Command, f compatFlags, s streams) error {
	cfg, err := loadConfig(cmd.Flags(), os.Environ())
	if err != nil {
		return err
	}
	o, err := compatOptions(cfg.Schemas, f, cmd.Flags().Changed("transitive"))
	if err != nil {
		return usageError(err)
	}
	failOn := compat.Severity(f.failOn)
	if failOn != compat.Error && failOn != compat.Warning {
		return usageError(fmt.Errorf("--fail-on %q: want error or warning", f.failOn))
	}
	if !slices.Contains(compat.Formats(), f.format) {
		return usageError(fmt.Errorf("--format %q: want %s", f.format, strings.Join(compat.Formats(), ", ")))
	}
	reg, err := server.LoadRegistry(cfg.Schemas)
	if err != nil {
		return err
	}
	if f.against != "" {
		old, cleanup, err := loadAgainst(cmd.Context(), cfg.Schemas, f.against)
		if err != nil {
			return err
		}
		defer cleanup()
		o.Against = &old
	}
	r := compat.Check(compat.Tree{Registry: reg}, o)
	wo := compat.WriteOptions{FailOn: failOn, Dir: cfg.Schemas.Dir, Source: func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(reg.Dir(), filepath.FromSlash(p)))
	}}
	if err := compat.Write(s.out, r, f.format, wo); err != nil {
		return err
	}
	return exitWith(r.ExitCode(failOn), nil)
}

// compatOptions reads the configured modes, with the flags over them.
func compatOptions(c config.Schemas, f compatFlags, transitiveSet bool) (compat.Options, error) {
	o, err := server.ConfiguredCompat(c)
	if err != nil {
		return o, err
	}
	if f.mode != "" {
		m, err := compat.ParseMode(f.mode)
		if err != nil {
			return o, fmt.Errorf("--mode: %w", err)
		}
		o.Default, o.Types = m, nil
	}
	if transitiveSet {
		o.Transitive = f.transitive
	}
	return o, nil
}

// loadAgainst loads the tree to judge against: a folder, or the schema
// dir as it was at a git ref.
func loadAgainst(ctx context.Context, c config.Schemas, against string) (compat.Tree, func(), error) {
	dir, cleanup := against, func() {}
	if st, err := os.Stat(against); err != nil || !st.IsDir() {
		tmp, err := compat.GitTree(ctx, c.Dir, against, "")
		if err != nil {
			return compat.Tree{}, cleanup, usageError(err)
		}
		dir, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	}
	old := c
	old.Dir = dir
	reg, err := server.LoadRegistry(old)
	if err != nil {
		cleanup()
		return compat.Tree{}, func() {}, err
	}
	return compat.Tree{Registry: reg, Name: against}, cleanup, nil
}
