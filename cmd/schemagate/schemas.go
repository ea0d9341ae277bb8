package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/server"
	"github.com/schemagate/schemagate/internal/validate"
)

func newSchemasCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "schemas", Short: "List or check the schema tree"}
	list := treeCmd("list", "List the event types and versions the server would load", func(reg *validate.Registry) error {
		tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TYPE\tVERSION\tFILE\tTITLE")
		for _, sc := range reg.Schemas() {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", sc.Type, sc.Version, sc.Path, sc.Title)
		}
		return tw.Flush()
	})
	check := treeCmd("check", "Compile every schema and print every problem (exit code 2 if any)", func(reg *validate.Registry) error {
		fmt.Fprintf(s.out, "ok: %d schemas in %s compile\n", reg.Len(), reg.Dir())
		return nil
	})
	cmd.AddCommand(list, check)
	return cmd
}

// treeCmd is a subcommand that works on the loaded schema tree: it takes
// the config flags, loads the tree and hands it to run.
func treeCmd(use, short string, run func(*validate.Registry) error) *cobra.Command {
	c := &cobra.Command{
		Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, reg, err := loadConfigAndRegistry(cmd)
			if err != nil {
				return err
			}
			return run(reg)
		},
	}
	configFlags(c.Flags())
	return c
}

// loadConfigAndRegistry reads the command's configuration and loads the
// schema tree it names, for the commands that work on the tree.
func loadConfigAndRegistry(cmd *cobra.Command) (config.Config, *validate.Registry, error) {
	cfg, err := loadConfig(cmd.Flags(), os.Environ())
	if err != nil {
		return cfg, nil, err
	}
	reg, err := server.LoadRegistry(cfg.Schemas)
	return cfg, reg, err
}
