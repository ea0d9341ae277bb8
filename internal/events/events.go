// Package events holds the typed handlers schemagate ships: the tutorial's
// echo server and its person (name, age, city) in two versions. Each is
// registered with the Go type its data decodes into, so the compiler checks
// that handler and data agree.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
)

// PersonV1 is the tutorial's person.
type PersonV1 struct {
	Name string `json:"name"`
	Age  int    `json:"age"`
	City string `json:"city"`
}

// PersonV2 adds an optional email, validated as an address by its schema.
type PersonV2 struct {
	PersonV1
	Email string `json:"email,omitempty"`
}

// Echo returns the data as it came, every digit and escape kept.
func Echo(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) {
	return ev.Raw, nil
}

// LogPersonV1 logs the person the way the tutorial's server printed it
// ("John, 30, New York"), as a structured line with the three fields.
func LogPersonV1(l *slog.Logger) pipeline.HandlerFunc[PersonV1] {
	return func(ctx context.Context, ev pipeline.Event[PersonV1]) ([]byte, error) {
		p := ev.Data
		l.InfoContext(ctx, fmt.Sprintf("%s, %d, %s", p.Name, p.Age, p.City),
			"event", "person", "version", 1, "id", ev.ID, "name", p.Name, "age", p.Age, "city", p.City)
		return nil, nil
	}
}

// LogPersonV2 is LogPersonV1 with the email.
func LogPersonV2(l *slog.Logger) pipeline.HandlerFunc[PersonV2] {
	return func(ctx context.Context, ev pipeline.Event[PersonV2]) ([]byte, error) {
		p := ev.Data
		l.InfoContext(ctx, fmt.Sprintf("%s, %d, %s", p.Name, p.Age, p.City),
			"event", "person", "version", 2, "id", ev.ID, "name", p.Name, "age", p.Age, "city", p.City, "email", p.Email)
		return nil, nil
	}
}

// Builtins maps each shipped handler's name ("type/vN") to the function
// that registers it. The configuration's handlers list chooses among them.
func Builtins(l *slog.Logger) map[string]func(*pipeline.Builder) {
	return map[string]func(*pipeline.Builder){
		"echo/v1": func(b *pipeline.Builder) { pipeline.Register(b, event.Key{Type: "echo", Version: 1}, Echo) },
		"person/v1": func(b *pipeline.Builder) {
			pipeline.Register(b, event.Key{Type: "person", Version: 1}, LogPersonV1(l))
		},
		"person/v2": func(b *pipeline.Builder) {
			pipeline.Register(b, event.Key{Type: "person", Version: 2}, LogPersonV2(l))
		},
	}
}

// Names lists the built-in handlers, sorted.
func Names() []string {
	var names []string
	for n := range Builtins(nil) {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
