package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

func newSchemasCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "schemas", Short: "List or check the schema tree"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the event types and versions the server would load",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := loadRegistryFrom(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TYPE\tVERSION\tFILE\tTITLE")
			for _, sc := range reg.Schemas() {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", sc.Type, sc.Version, sc.Path, sc.Title)
			}
			return tw.Flush()
		},
	}
	check := &cobra.Command{
		Use:   "check",
		Short: "Compile every schema and print every problem (exit code 2 if any)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := loadRegistryFrom(cmd)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.out, "ok: %d schemas in %s compile\n", reg.Len(), reg.Dir())
			return nil
		},
	}
	for _, c := range []*cobra.Command{list, check} {
		configFlags(c.Flags())
	}
	cmd.AddCommand(list, check)
	return cmd
}

// loadRegistryFrom reads the configuration for its schema settings and
// loads the tree.
func loadRegistryFrom(cmd *cobra.Command) (*validate.Registry, error) {
	cfg, err := loadConfig(cmd.Flags(), os.Environ())
	if err != nil {
		return nil, err
	}
	return loadRegistry(cfg.Schemas)
}

func loadRegistry(c config.Schemas) (*validate.Registry, error) {
	reg, err := validate.Load(validate.Options{Dir: c.Dir, DefaultDraft: c.DefaultDraft,
		AssertFormat: c.AssertFormat, MaxDetails: c.MaxDetails})
	if err != nil {
		return nil, status.Wrap(codes.FailedPrecondition, err, err.Error())
	}
	return reg, nil
}
