// Package events holds the typed handlers schemagate ships: the tutorial's
// echo server and its person (name, age, city) in two versions. Each is
// registered with the Go type its data decodes into, so the compiler checks
// that handler and data agree; the types are generated from schemas/ by
// `schemagate gen go` (types_gen.go), never written by hand.
package events

//go:generate go run ../../cmd/schemagate gen go --schemas ../../schemas --out types_gen.go --package events

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
)

// Echo returns the data as it came, every digit and escape kept.
func Echo(_ context.Context, ev pipeline.Event[EchoV1]) ([]byte, error) {
	return ev.Raw, nil
}

// LogPersonV1 logs the person the way the tutorial's server printed it
// ("John, 30, New York"), as a structured line with the three fields, when
// its route asks for the data (data) or the logger is at DEBUG; otherwise
// "person accepted" with the id only, since a person is personal data.
func LogPersonV1(l *slog.Logger, data bool) pipeline.HandlerFunc[PersonV1] {
	return func(ctx context.Context, ev pipeline.Event[PersonV1]) ([]byte, error) {
		p := ev.Data
		logPerson(ctx, l, data, 1, ev.ID, p, "name", p.Name, "age", p.Age, "city", p.City)
		return nil, nil
	}
}

// LogPersonV2 is LogPersonV1 with the email.
func LogPersonV2(l *slog.Logger, data bool) pipeline.HandlerFunc[PersonV2] {
	return func(ctx context.Context, ev pipeline.Event[PersonV2]) ([]byte, error) {
		p := ev.Data
		email := "" // absent
		if p.Email != nil {
			email = *p.Email
		}
		logPerson(ctx, l, data, 2, ev.ID, PersonV1{Name: p.Name, Age: p.Age, City: p.City},
			"name", p.Name, "age", p.Age, "city", p.City, "email", email)
		return nil, nil
	}
}

func logPerson(ctx context.Context, l *slog.Logger, asked bool, version int, id string, p PersonV1, fields ...any) {
	level, withData := action.DataLevel(ctx, l, asked)
	if !withData {
		l.Log(ctx, level, "person accepted", "event", "person", "version", version, "id", id)
		return
	}
	l.Log(ctx, level, fmt.Sprintf("%s, %d, %s", p.Name, p.Age, p.City),
		append([]any{"event", "person", "version", version, "id", id}, fields...)...)
}

// Builtins maps each shipped handler's name ("type/vN") to the function
// that registers it. The configuration's handlers list chooses among them;
// logData says which schemas' routes ask for their data in the log.
func Builtins(l *slog.Logger, logData func(event.Key) bool) map[string]func(*pipeline.Builder) {
	person1, person2 := event.Key{Type: "person", Version: 1}, event.Key{Type: "person", Version: 2}
	if logData == nil {
		logData = func(event.Key) bool { return false }
	}
	return map[string]func(*pipeline.Builder){
		"echo/v1": func(b *pipeline.Builder) { pipeline.Register(b, event.Key{Type: "echo", Version: 1}, Echo) },
		"person/v1": func(b *pipeline.Builder) {
			pipeline.Register(b, person1, LogPersonV1(l, logData(person1)))
		},
		"person/v2": func(b *pipeline.Builder) {
			pipeline.Register(b, person2, LogPersonV2(l, logData(person2)))
		},
	}
}

// Names lists the built-in handlers, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(Builtins(nil, nil)))
}
