package server

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/schemagate/schemagate/internal/compat"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/validate"
)

// ConfiguredCompat turns schemas.compat into the checker's options.
func ConfiguredCompat(c config.Schemas) (compat.Options, error) {
	o := compat.Options{AssertFormat: c.AssertFormat, Transitive: c.Compat.Transitive, Types: map[string]compat.Mode{}}
	m, err := compat.ParseMode(c.Compat.Mode)
	if err != nil {
		return o, err
	}
	o.Default = m
	for t, name := range c.Compat.Types {
		m, err := compat.ParseMode(name)
		if err != nil {
			return o, fmt.Errorf("schemas.compat.types.%s: %w", t, err)
		}
		o.Types[t] = m
	}
	return o, nil
}

// gateCompat is serve's check: a tree whose versions break their
// configured mode stops the start with the compat report (exit code 2);
// warnings are logged, never passed over in silence.
func gateCompat(c config.Schemas, reg *validate.Registry, logger *slog.Logger) error {
	o, err := ConfiguredCompat(c)
	if err != nil {
		return ConfigError(err)
	}
	r := compat.Check(compat.Tree{Registry: reg}, o)
	if r.Fails(compat.Error) {
		var b strings.Builder
		if err := compat.Write(&b, r, compat.FormatText, compat.WriteOptions{}); err != nil {
			return err
		}
		return ConfigError(fmt.Errorf("schema versions break their compatibility mode (schemas.compat; `schemagate compat` tells the same):\n%s",
			strings.TrimRight(b.String(), "\n")))
	}
	for _, f := range r.Findings() {
		logger.Warn("schema compatibility "+compat.Unproven, "type", f.Type, "rule", f.Rule, "direction", f.Dir,
			"old", f.Old.Location, "new", f.New.Location, "message", f.Message)
	}
	return nil
}
