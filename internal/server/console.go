package server

import (
	"github.com/schemagate/schemagate/internal/compat"
	"github.com/schemagate/schemagate/internal/console"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/telemetry"
)

// newConsole builds the web console when console.enabled, before the
// pipeline, whose tap it is; what it reads of the doors it reads through
// a, once they exist.
func (a *app) newConsole() error {
	if !a.cfg.Console.Enabled {
		return nil
	}
	c, err := console.New(console.Options{
		Config: a.cfg.Console, Registry: catalog{a}, MaxDepth: a.cfg.Schemas.MaxDepth,
		Ready: a.ready, Connections: a.connections, Compat: a.consoleCompat, AuthEnabled: a.auth.Enabled() || len(a.cfg.Auth.AdminTokens) > 0,
		Reload: a.consoleReload,
	})
	if err != nil {
		return err
	}
	a.console = c
	return nil
}

// consoleRoutes mounts the console in the HTTP API (nil when it is off).
// With console.allow_send, a frame it sends goes through the pipeline as
// if it came over HTTP, and is counted so.
func (a *app) consoleRoutes() *httpapi.ConsoleRoutes {
	c := a.console
	if c == nil {
		return nil
	}
	if a.cfg.Console.AllowSend {
		c.SendThrough(a.httpPipe)
	}
	return &httpapi.ConsoleRoutes{Page: c.Page, SignIn: c.SignIn, Overview: c.Overview, Rejects: c.Rejects,
		Samples: c.Samples, Stream: c.Stream, Schemas: c.Schemas, Compat: c.Compat, Try: c.Try, Send: c.Send}
}

// connections counts the open connections of each door for the console.
func (a *app) connections() map[string]int {
	out := map[string]int{telemetry.TransportWebSocket: a.ws.Connections()}
	out[telemetry.TransportHTTP+" (requests in flight)"] = a.inflight.Requests()
	if a.grpc != nil {
		out[telemetry.TransportGRPC] = a.grpc.Connections()
	}
	return out
}

// consoleCompat judges every type's versions both ways for the schemas
// view, whatever schemas.compat requires: the console shows what holds,
// not only what is enforced.
func (a *app) consoleCompat() any {
	g := a.gen.Load()
	o, err := ConfiguredCompat(g.cfg.Schemas)
	if err != nil {
		return err.Error()
	}
	o.Default, o.Types = compat.Full, nil
	return compat.Check(compat.Tree{Registry: g.reg}, o)
}

// consoleReload is the last reload's report for the console's overview
// ("n/a" until one has run).
func (a *app) consoleReload() any {
	if r := a.lastReload.Load(); r != nil {
		return r
	}
	return "n/a"
}
