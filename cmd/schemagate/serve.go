package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/gateway"
)

func newServeCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway",
		Long: "Run the gateway on the defaults, the configuration file (--config, $" + gateway.EnvConfig + ",\n" +
			"else " + gateway.DefaultConfigFile + " if it exists), SCHEMAGATE_* environment variables and flags,\n" +
			"in that order of precedence.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd.Flags(), os.Environ())
			if err != nil {
				return err
			}
			return gateway.New(cfg, gateway.Options{Stderr: s.err}).Run(cmd.Context())
		},
	}
	configFlags(cmd.Flags())
	return cmd
}
