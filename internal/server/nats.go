package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/natsbus"
)

// connectNATS opens the NATS connection when one is configured, and the
// fan-out hub when types are allowed for it. Without nats.servers it does
// nothing, and the gateway runs alone as before.
func (a *app) connectNATS() error {
	n := a.cfg.NATS
	if !n.Enabled() {
		return nil
	}
	bus, err := natsbus.Connect(natsConfig(n), a.logger)
	if err != nil {
		return ConfigError(fmt.Errorf("nats: %w", err))
	}
	a.bus = bus
	if len(n.FanOut.Types) > 0 {
		a.hub = bus.Hub(n.FanOut.Types)
	}
	// Server URLs may carry credentials, so only their number is logged.
	a.logger.Info("nats", "servers", len(n.Servers), "stream", n.Stream, "subjects", n.SubjectPrefix+".<type>.v<N>",
		"create_stream", n.CreateStream, "fanout", n.FanOut.Types)
	return nil
}

// closeNATS runs after the actions are closed: the hub, then the
// connection they share.
func (a *app) closeNATS(ctx context.Context) error {
	var errs []error
	if a.hub != nil {
		errs = append(errs, a.hub.Close(ctx))
		a.hub = nil
	}
	if a.bus != nil {
		errs = append(errs, a.bus.Close(ctx))
		a.bus = nil
	}
	return errors.Join(errs...)
}

func natsConfig(n config.NATS) natsbus.Config {
	return natsbus.Config{
		Servers: n.Servers, Token: n.Token, User: n.User, Password: n.Password, CredsFile: n.CredsFile,
		TLSCA: n.TLS.CA, TLSCert: n.TLS.Cert, TLSKey: n.TLS.Key,
		Stream: n.Stream, SubjectPrefix: n.SubjectPrefix, CreateStream: n.CreateStream,
		Replicas: n.Replicas, DuplicateWindow: n.DuplicateWindow, PublishTimeout: n.PublishTimeout,
		ReconnectWait: n.ReconnectWait,
	}
}
