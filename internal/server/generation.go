package server

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

// generation is what a reload replaces whole: the configuration it was
// built from, the schemas, the pipeline with its routes, handlers and
// actions, and the HTTP API's routes over them. Once built it is never
// changed; whatever a route may say is in it, so a reload swaps it too.
type generation struct {
	cfg   config.Config
	reg   *validate.Registry
	pipe  *pipeline.Pipeline
	api   http.Handler
	sinks map[string]*sink // the actions by name, and the dead letter
	// webhooks are the webhook actions, by name, for the admin API.
	webhooks map[string]webhookEndpoint
	// kept are actions whose settings changed but that a reload had to
	// keep as they were (an outbox holds its file): a restart applies them.
	kept []string
}

// sink is an opened action or dead letter and the settings it was opened
// with: a reload keeps a sink whose settings did not change (a file
// action's file stays open, its group commit running) and closes the rest
// once the old generation has no frame left in it.
type sink struct {
	spec  any
	act   action.Action
	dead  *action.DeadLetter
	close func(context.Context) error
}

// deadLetterSink names the dead letter among the sinks; no action name can
// start with a NUL.
const deadLetterSink = "\x00dead_letter"

// assemble builds a generation from a checked configuration and its loaded
// schemas, reusing prev's unchanged sinks. On an error, nothing it opened
// stays open and prev is untouched.
func (a *app) assemble(cfg config.Config, reg *validate.Registry, prev *generation) (*generation, error) {
	g := &generation{cfg: cfg, reg: reg, sinks: map[string]*sink{}, webhooks: map[string]webhookEndpoint{}}
	err := a.openSinks(g, prev)
	if err == nil {
		g.pipe, err = a.buildPipeline(g)
	}
	if err != nil {
		return nil, errors.Join(err, g.release(context.Background(), prev))
	}
	return g, nil
}

// buildPipeline wires g's pipeline: the built-in handlers the
// configuration names, the embedder's, the routes and default actions, and
// the dead letter. A name that matches nothing is a config error.
func (a *app) buildPipeline(g *generation) (*pipeline.Pipeline, error) {
	b := pipeline.NewBuilder(g.reg)
	builtins := events.Builtins(a.logger, g.logData)
	for _, name := range g.cfg.Handlers {
		register, ok := builtins[name]
		if !ok {
			return nil, ConfigError(fmt.Errorf("handlers: %q is not a built-in handler (have %v)", name, events.Names()))
		}
		register(b)
	}
	for _, register := range a.register {
		register(b)
	}
	for i, r := range g.cfg.Routes {
		b.Route(pipeline.Route{Key: event.Key{Type: r.Type, Version: r.Version}, Actions: a.pick(g, i, r.Actions, r.Log.Data),
			Candidate: r.Candidate, Shadow: r.Shadow(), LogData: r.Log.Data})
	}
	b.DefaultActions(a.pick(g, -1, g.cfg.DefaultActions, false)...)
	// No observer here: each front door judges through a view of its own
	// transport (pipeline.Current.WithObserver).
	opts := pipeline.Options{MaxDepth: g.cfg.Schemas.MaxDepth, Logger: a.logger, Rollout: a.metrics.Rollout()}
	if a.console != nil {
		opts.Tap = a.console
	}
	if s := g.sinks[deadLetterSink]; s != nil {
		opts.DeadLetter = s.dead
	}
	p, err := b.Build(opts)
	if err != nil {
		return nil, ConfigError(err)
	}
	return p, nil
}

// openSinks opens the dead letter (outbox webhooks record the events they
// give up on in it) and every configured action once (routes share them),
// or takes prev's when the settings are the same.
func (a *app) openSinks(g *generation, prev *generation) error {
	var dead *action.DeadLetter
	if dl := g.cfg.DeadLetter; dl.Path != "" {
		s := prev.reusable(deadLetterSink, dl)
		if s == nil {
			d, err := action.NewDeadLetter(action.DeadLetterConfig{FileConfig: fileConfig(dl.File), MaxBytes: dl.MaxBytes,
				Dropped: a.metrics.DeadLetterDropped})
			if err != nil {
				return ConfigError(fmt.Errorf("dead_letter: %w", err))
			}
			s = &sink{spec: dl, dead: d, close: d.Close}
		}
		g.sinks[deadLetterSink], dead = s, s.dead
	}
	for _, name := range slices.Sorted(maps.Keys(g.cfg.Actions)) {
		spec := g.cfg.Actions[name]
		key := actionSpec{action: spec}
		if spec.Kind == "webhook" { // an outbox keeps its dead letter: a new one means a new outbox
			key.dead = g.sinks[deadLetterSink]
		}
		s := prev.reusable(name, key)
		if s == nil && prev.holdsOutbox(name, spec) {
			// The running outbox holds its file, so a second one cannot
			// open it: the change waits for a restart.
			s = prev.sinks[name]
			g.kept = append(g.kept, "actions."+name)
			if d := s.spec.(actionSpec).dead; d != nil && d != g.sinks[deadLetterSink] {
				// It writes what it gives up on to the dead letter it
				// was opened with, which must stay open as long.
				g.sinks[deadLetterSink+"."+name] = d
			}
		}
		if s != nil {
			g.sinks[name] = s
			if ep, ok := prev.webhooks[name]; ok {
				g.webhooks[name] = ep
			}
			continue
		}
		act, err := a.openAction(name, spec, dead, g.webhooks)
		if err != nil {
			return err
		}
		g.sinks[name] = &sink{spec: key, act: act, close: act.Close}
	}
	return nil
}

// actionSpec is what an action was opened with.
type actionSpec struct {
	action config.Action
	dead   *sink
}

// openAction opens one action. NATS is connected at start from the nats
// section, which a reload does not change: without it, an action that
// needs it waits for a restart.
func (a *app) openAction(name string, spec config.Action, dead *action.DeadLetter, webhooks map[string]webhookEndpoint) (action.Action, error) {
	switch spec.Kind {
	case "log":
		return action.NewLog(a.logger, false), nil
	case "file":
		f, err := action.NewFile(fileConfig(spec.File))
		if err != nil {
			return nil, ConfigError(fmt.Errorf("actions.%s: %w", name, err))
		}
		return f, nil
	case "webhook":
		if spec.Delivery == "nats" && a.bus == nil {
			return nil, ConfigError(fmt.Errorf("actions.%s: delivery nats needs nats.servers at start; restart to connect", name))
		}
		w, err := a.buildWebhook(name, spec.Webhook, dead, webhooks)
		if err != nil {
			return nil, ConfigError(fmt.Errorf("actions.%s: %w", name, err))
		}
		return w, nil
	case "nats":
		if a.bus == nil {
			return nil, ConfigError(fmt.Errorf("actions.%s: a nats action needs nats.servers at start; restart to connect", name))
		}
		return a.bus.Publisher(), nil
	}
	return nil, ConfigError(fmt.Errorf("actions.%s: unknown kind %q", name, spec.Kind))
}

// reusable is prev's sink of that name when it was opened with the same
// settings (nil prev: none).
func (prev *generation) reusable(name string, spec any) *sink {
	if prev == nil {
		return nil
	}
	if s := prev.sinks[name]; s != nil && s.spec != nil && reflect.DeepEqual(s.spec, spec) {
		return s
	}
	return nil
}

// holdsOutbox reports whether prev's action name is an outbox webhook on
// the same file as spec would open.
func (prev *generation) holdsOutbox(name string, spec config.Action) bool {
	if prev == nil || spec.Kind != "webhook" || spec.Delivery != "outbox" {
		return false
	}
	s := prev.sinks[name]
	if s == nil {
		return false
	}
	old, ok := s.spec.(actionSpec)
	return ok && old.action.Kind == "webhook" && old.action.Delivery == "outbox" && old.action.Outbox.Path == spec.Outbox.Path
}

// pick resolves a route's action names (route -1: the default actions).
// A route that asks for its data in the log gets log actions of its own
// that log it, kept among the generation's sinks so they are closed with
// it, and never reused by the next one.
func (a *app) pick(g *generation, route int, names []string, logData bool) []pipeline.NamedAction {
	out := make([]pipeline.NamedAction, 0, len(names))
	for _, n := range names {
		act := g.sinks[n].act
		if logData && g.cfg.Actions[n].Kind == "log" {
			act = action.NewLog(a.logger, true)
			g.sinks[fmt.Sprintf("\x01routes[%d].%s", route, n)] = &sink{act: act, close: act.Close}
		}
		out = append(out, pipeline.NamedAction{Name: n, Action: act})
	}
	return out
}

// logData reports whether the route of k asks for event data in the log.
func (g *generation) logData(k event.Key) bool {
	for _, r := range g.cfg.Routes {
		if r.Type == k.Type && r.Version == k.Version {
			return r.Log.Data
		}
	}
	return false
}

// release closes g's sinks that keep does not share (keep nil: all of
// them), flushing each: a file action's group commit, a webhook's outbox,
// a nats action's publishes in flight.
func (g *generation) release(ctx context.Context, keep *generation) error {
	if g.pipe != nil {
		g.pipe.Close() // its candidates' judge stops first: it writes to no sink
	}
	shared := map[*sink]bool{}
	if keep != nil {
		for _, s := range keep.sinks {
			shared[s] = true
		}
	}
	var errs []error
	// The dead letter sorts first and closes last: outboxes write to it
	// until they stop.
	names := slices.Sorted(maps.Keys(g.sinks))
	for i := len(names) - 1; i >= 0; i-- {
		if s := g.sinks[names[i]]; !shared[s] {
			errs = append(errs, s.close(ctx))
		}
	}
	return errors.Join(errs...)
}

// fileConfig maps a file sink's configuration onto the action's.
func fileConfig(f config.File) action.FileConfig {
	return action.FileConfig{Path: f.Path, Sync: action.SyncPolicy(f.Sync), Interval: f.Interval, Mode: f.Perm()}
}
