package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/apidoc"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/server"
	"github.com/schemagate/schemagate/internal/validate"
)

func newDocsCmd(s streams) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "docs --out DIR",
		Short: "Write the API documents: OpenAPI 3.1, AsyncAPI 3.0 and one HTML page",
		Long: `Write, into DIR, the documents the server serves at /v1/openapi.json and
/v1/asyncapi.json for this configuration and schema tree, and index.html,
one self-contained page that shows both to people (it needs no network).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError(fmt.Errorf("--out DIR is required"))
			}
			cfg, reg, err := loadConfigAndRegistry(cmd)
			if err != nil {
				return err
			}
			return writeDocs(cfg, reg, out, s)
		},
	}
	configFlags(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "folder to write openapi.json, asyncapi.json and index.html into")
	return cmd
}

// writeDocs writes the same documents a running gateway serves, built from
// the same configuration and tree, so that a team can publish or review
// its API without starting one; a folder it cannot write is a usage error.
func writeDocs(cfg config.Config, reg *validate.Registry, dir string, s streams) error {
	d, err := apidoc.Build(server.DocOptions(cfg, reg))
	if err != nil {
		return err
	}
	page, err := apidoc.HTML(d)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError(err)
	}
	for name, b := range map[string][]byte{"openapi.json": d.OpenAPI, "asyncapi.json": d.AsyncAPI, "index.html": page} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return usageError(err)
		}
	}
	_, err = fmt.Fprintf(s.out, "wrote openapi.json, asyncapi.json and index.html to %s (%d schemas)\n", dir, reg.Len())
	return err
}
