// Package server wires a gateway from its configuration: the schema
// registry, the pipeline with the built-in and the embedder's typed
// handlers, the actions, metrics, auth, the WebSocket, HTTP and gRPC doors,
// and the drain. `schemagate serve` and the public gateway package both run
// it, so an embedded gateway is the same server as the CLI's.
package server

import (
	"io"
	"log/slog"
	"net"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// Options are what the embedder adds to the configuration.
type Options struct {
	// Stderr receives the log when Logger is nil.
	Stderr io.Writer
	// Logger, when set, is used instead of one built from cfg.Log.
	Logger *slog.Logger
	// Register adds the embedder's typed handlers, after the built-in
	// handlers the configuration names.
	Register []func(*pipeline.Builder)
	// Listener, when set, is served instead of listening on cfg.Listen.
	Listener net.Listener
	// Reload reads the configuration again for a reload (SIGHUP, POST
	// /v1/admin/reload, reload.watch). When nil, a reload keeps the
	// configuration Serve was given and reads its schema tree again.
	Reload func() (config.Config, error)
	// ConfigFile is the file Reload reads ("" for none): reload.watch
	// polls it, and a reload's problems name it.
	ConfigFile string
}

// LoadRegistry loads the schema tree the configuration names; a problem is
// a configuration error.
func LoadRegistry(c config.Schemas) (*validate.Registry, error) {
	reg, err := validate.Load(validate.Options{Dir: c.Dir, DefaultDraft: c.DefaultDraft,
		AssertFormat: c.AssertFormat, MaxDetails: c.MaxDetails})
	if err != nil {
		return nil, status.Wrap(codes.FailedPrecondition, err, err.Error())
	}
	return reg, nil
}

// ConfigError marks a problem with the configuration: FAILED_PRECONDITION,
// exit code 2.
func ConfigError(err error) error {
	return status.Wrap(codes.FailedPrecondition, err, err.Error())
}
