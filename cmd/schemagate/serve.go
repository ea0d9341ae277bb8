package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/gateway"
)

func newServeCmd(s streams) *cobra.Command {
	var cpuProfile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway",
		Long: "Run the gateway on the defaults, the configuration file (--config, $" + gateway.EnvConfig + ",\n" +
			"else " + gateway.DefaultConfigFile + " if it exists), SCHEMAGATE_* environment variables and flags,\n" +
			"in that order of precedence. SIGHUP, POST /v1/admin/reload and (with reload.watch) a changed\n" +
			"file reload the configuration and schemas without a restart: checked whole, swapped whole.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// A reload reads the same file, variables and flags again.
			o := loadOptions(cmd.Flags(), os.Environ())
			cfg, err := gateway.LoadConfig(o)
			if err != nil {
				return err
			}
			stop, err := startCPUProfile(cpuProfile)
			if err != nil {
				return err
			}
			err = gateway.New(cfg, gateway.Options{Stderr: s.err, Reload: &o}).Run(cmd.Context())
			if serr := stop(); err == nil {
				err = serr // the run's own error, with its exit code, comes first
			}
			return err
		},
	}
	configFlags(cmd.Flags())
	cmd.Flags().StringVar(&cpuProfile, "cpu-profile", "",
		"write a CPU profile (pprof) of the whole run to this file, for scripts/pgo.sh")
	return cmd
}
