package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/apidoc"
	"github.com/schemagate/schemagate/internal/config"
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

func writeDocs(cfg config.Config, reg *validate.Registry, dir string, s streams) error {
	d, err := apidoc.Build(docOptions(cfg, reg))
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

// docs are the API documents of the server a describes.
func (a *app) docs() (apidoc.Documents, error) {
	return apidoc.Build(docOptions(a.cfg, a.reg))
}

// docOptions describes the server cfg configures, for its documents.
func docOptions(cfg config.Config, reg *validate.Registry) apidoc.Options {
	o := apidoc.Options{Registry: reg, Host: docHost(cfg.Listen),
		WebSocketPath: cfg.WebSocket.Path, Auth: len(cfg.Auth.Tokens) > 0,
		MaxBatch: cfg.HTTP.MaxBatch, MaxDetails: cfg.Schemas.MaxDetails}
	if cfg.NATS.Enabled() {
		o.SubscribeTypes = cfg.NATS.FanOut.Types
	}
	for _, a := range cfg.Actions {
		o.Webhooks = o.Webhooks || a.Kind == "webhook"
	}
	for _, b := range cfg.WebSocket.Bare {
		o.Bare = append(o.Bare, apidoc.Bare{Path: b.Path, Type: b.Type, Version: b.Version, Raw: b.Raw})
	}
	return o
}

// docHost is the listen address as clients name it: a wildcard host
// (":8080", "0.0.0.0:8080") becomes localhost.
func docHost(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
