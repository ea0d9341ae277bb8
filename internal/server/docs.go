package server

import (
	"net"

	"github.com/schemagate/schemagate/internal/apidoc"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/validate"
)

// docs are the API documents of the server a serves with generation g.
func (a *app) docs(g *generation) (apidoc.Documents, error) {
	c := g.cfg
	// Keys only a restart applies are described as the process serves them.
	c.Listen, c.Auth, c.NATS = a.cfg.Listen, a.cfg.Auth, a.cfg.NATS
	return apidoc.Build(DocOptions(c, g.reg))
}

// DocOptions describes the server cfg configures, for its documents.
func DocOptions(cfg config.Config, reg *validate.Registry) apidoc.Options {
	o := apidoc.Options{Registry: reg, Host: docHost(cfg.Listen),
		WebSocketPath: cfg.WebSocket.Path, Auth: len(cfg.Auth.Tokens) > 0, AdminAuth: cfg.Auth.Enabled(),
		MaxBatch: cfg.HTTP.MaxBatch, MaxDetails: cfg.Schemas.MaxDetails, Console: cfg.Console.Enabled}
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
