package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/sdnotify"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// reloads serializes reloads (and the final close) and knows how to read
// the configuration again.
type reloads struct {
	mu     sync.Mutex
	closed bool // the generation in force has been released: no more reloads
	// load reads the configuration again (Options.Reload); file is the
	// file it reads ("" for none), named in problems and watched.
	load func() (config.Config, error)
	file string
}

// ReloadReport is a reload's answer: the body of POST /v1/admin/reload,
// and what the log line says.
type ReloadReport struct {
	Applied bool   `json:"applied"`
	Trigger string `json:"trigger"`
	// Schemas are the schemas in force after the reload.
	Schemas []string `json:"schemas,omitempty"`
	// RestartRequired are changed keys a reload cannot apply (listen
	// addresses, connection limits, TLS file names, auth, NATS, logging);
	// the rest of the change is applied.
	RestartRequired []string `json:"restart_required,omitempty"`
	// Problems, when the reload was refused, are every reason.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one reason a reload was refused: the file, where in it (a
// JSON Pointer, "" for the file as a whole) and what is wrong.
type Problem struct {
	File    string `json:"file"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// String is the problem as a log line or a CLI reads it: file#pointer:
// message, the pointer left out when the whole file is at fault.
func (p Problem) String() string {
	if p.Pointer == "" {
		return p.File + ": " + p.Message
	}
	return p.File + "#" + p.Pointer + ": " + p.Message
}

// reload reads and checks the configuration and every schema, and only
// when all of it is sound puts a new generation in force; otherwise
// nothing changes and the report lists every problem.
func (a *app) reload(ctx context.Context, trigger string) ReloadReport {
	a.reloads.mu.Lock()
	defer a.reloads.mu.Unlock()
	_ = a.systemd.Notify(sdnotify.Reloading)
	defer func() { _ = a.systemd.Notify(sdnotify.Ready) }()
	rep := ReloadReport{Trigger: trigger}
	if a.draining.Load() || a.reloads.closed {
		rep.Problems = []Problem{{Message: "the gateway is shutting down"}}
		return a.reported(rep)
	}
	cfg, reg, problems := a.check()
	var g *generation
	if len(problems) == 0 {
		g, problems = a.apply(ctx, cfg, reg)
	}
	rep.Problems = problems
	if rep.Applied = len(problems) == 0; rep.Applied {
		rep.Schemas = schemaNames(reg)
		rep.RestartRequired = append(restartOnly(a.cfg, cfg), g.kept...)
	}
	return a.reported(rep)
}

// reported logs the outcome and records it in the metrics.
func (a *app) reported(rep ReloadReport) ReloadReport {
	a.metrics.Reloaded(rep.Applied, time.Now())
	a.lastReload.Store(&rep)
	if rep.Applied {
		level := slog.LevelInfo
		if len(rep.RestartRequired) > 0 {
			level = slog.LevelWarn
		}
		a.logger.Log(context.Background(), level, "reloaded", "trigger", rep.Trigger, "schemas", rep.Schemas,
			"restart_required", rep.RestartRequired)
		return rep
	}
	lines := make([]string, len(rep.Problems))
	for i, p := range rep.Problems {
		lines[i] = p.String()
	}
	a.logger.Error("reload refused; the configuration in force is unchanged", "trigger", rep.Trigger, "problems", lines)
	return rep
}

// check reads the configuration and the schema tree it names, and lists
// every problem in either, touching nothing.
func (a *app) check() (config.Config, *validate.Registry, []Problem) {
	file := a.reloads.file
	cfg, err := a.reloads.load()
	var ps []Problem
	if err != nil {
		// The file may still name the tree (an unknown key stops the
		// decoding of nothing else), so its problems are listed too.
		ps = configProblems(file, err)
		if cfg.Schemas.Dir == "" {
			return cfg, nil, ps
		}
	}
	reg, err := LoadRegistry(cfg.Schemas)
	if err != nil {
		return cfg, nil, append(ps, schemaProblems(cfg.Schemas.Dir, err)...)
	}
	if err := gateCompat(cfg.Schemas, reg, a.logger); err != nil {
		ps = append(ps, Problem{File: cfg.Schemas.Dir, Message: status.From(err).Message})
	}
	return cfg, reg, append(ps, missingSchemas(file, cfg, reg)...)
}

// apply builds the new generation and swaps it in: HTTP routes first,
// then the pipeline every door judges frames by. Once no frame is left in
// the old pipeline, the actions only it used are flushed and closed.
func (a *app) apply(ctx context.Context, cfg config.Config, reg *validate.Registry) (*generation, []Problem) {
	prev := a.gen.Load()
	g, err := a.assemble(cfg, reg, prev)
	if err == nil {
		if g.api, err = a.routes(g); err != nil {
			err = errors.Join(err, g.release(context.Background(), prev))
		}
	}
	if err != nil {
		return nil, []Problem{{File: a.reloads.file, Message: status.From(err).Message}}
	}
	a.gen.Store(g)
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.Shutdown.DrainTimeout)
	defer cancel()
	if _, err := a.pipe.Swap(wait, g.pipe); err != nil {
		a.logger.Warn("reload: frames still in the replaced pipeline after shutdown.drain_timeout; its actions stay open")
		prev.pipe.Close() // its candidates' judge stops all the same; late frames count as skipped
	} else if err := prev.release(wait, g); err != nil {
		a.logger.Error("reload: closing the replaced actions", "err", err)
	}
	a.metrics.SetSchemas(reg.Keys())
	a.logRollout(cfg.Routes)
	return g, nil
}

func configProblems(file string, err error) []Problem {
	var inv *config.Invalid
	if errors.As(err, &inv) {
		out := make([]Problem, len(inv.Problems))
		for i, p := range inv.Problems {
			out[i] = Problem{File: file, Pointer: p.Pointer(), Message: p.Message}
		}
		return out
	}
	return []Problem{{File: file, Message: status.From(err).Message}}
}

func schemaProblems(dir string, err error) []Problem {
	var le *validate.LoadError
	if !errors.As(err, &le) {
		return []Problem{{File: dir, Message: status.From(err).Message}}
	}
	out := make([]Problem, len(le.Problems))
	for i, p := range le.Problems {
		out[i] = Problem{File: filepath.Join(dir, p.File), Pointer: p.Pointer(), Message: p.Err.Error()}
	}
	return out
}

// missingSchemas are routes and handlers that name a schema the tree does
// not have, each at its place in the configuration file.
func missingSchemas(file string, cfg config.Config, reg *validate.Registry) []Problem {
	var out []Problem
	missing := func(pointer string, k event.Key) {
		if _, ok := reg.Lookup(k); !ok {
			out = append(out, Problem{File: file, Pointer: pointer, Message: fmt.Sprintf("no schema %s in %s", k, cfg.Schemas.Dir)})
		}
	}
	for i, r := range cfg.Routes {
		missing(fmt.Sprintf("/routes/%d", i), event.Key{Type: r.Type, Version: r.Version})
		if r.Candidate != 0 {
			missing(fmt.Sprintf("/routes/%d/candidate", i), event.Key{Type: r.Type, Version: r.Candidate})
		}
	}
	for i, h := range cfg.Handlers {
		if k, ok := event.ParseName(h); ok {
			missing(fmt.Sprintf("/handlers/%d", i), k)
		}
	}
	return out
}

// reloadable are the keys a reload applies; every other key that changed
// needs a restart and is reported as such.
var reloadable = []string{"schemas", "handlers", "actions", "routes", "default_actions", "dead_letter",
	"websocket.path", "websocket.bare", "http.max_body", "http.max_batch", "http.request_timeout"}

// restartOnly lists the keys that differ between the configuration the
// process started with and next, and that a reload cannot apply.
func restartOnly(running, next config.Config) []string {
	var changed []string
	diffKeys("", reflect.ValueOf(running), reflect.ValueOf(next), &changed)
	var out []string
	for _, k := range changed {
		if !underAny(k, reloadable) {
			out = append(out, k)
		}
	}
	return out
}

func diffKeys(prefix string, a, b reflect.Value, out *[]string) {
	if a.Kind() != reflect.Struct {
		if a.CanInterface() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, prefix)
		}
		return
	}
	for i := range a.NumField() {
		name, _, _ := strings.Cut(a.Type().Field(i).Tag.Get("mapstructure"), ",")
		key := prefix
		if name != "" { // squashed fields share their parent's key
			key = strings.TrimPrefix(prefix+"."+name, ".")
		}
		diffKeys(key, a.Field(i), b.Field(i), out)
	}
}

func underAny(key string, prefixes []string) bool {
	for _, p := range prefixes {
		if key == p || strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}
