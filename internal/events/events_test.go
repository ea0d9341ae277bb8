package events

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

func TestEchoReturnsTheDataAsItCame(t *testing.T) {
	raw := []byte(`{"n": 123456789012345678901234567890, "s": "\u00e9"}`)
	got, err := Echo(context.Background(), pipeline.Event[EchoV1]{Event: event.Event{Raw: raw}, Data: raw})
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("Echo = %s, %v", got, err)
	}
}

func TestPersonHandlersLogTheTutorialLine(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	p := PersonV1{Name: "John", Age: 30, City: "New York"}
	email := "j@example.com"
	if _, err := LogPersonV1(l, true)(context.Background(), pipeline.Event[PersonV1]{Event: event.Event{ID: "a"}, Data: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := LogPersonV2(l, true)(context.Background(), pipeline.Event[PersonV2]{Event: event.Event{ID: "b"}, Data: PersonV2{Name: p.Name, Age: p.Age, City: p.City, Email: &email}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", buf.String())
	}
	for _, want := range []string{`"level":"INFO"`, `"msg":"John, 30, New York"`, `"name":"John"`, `"age":30`, `"city":"New York"`} {
		for _, line := range lines {
			if !strings.Contains(line, want) {
				t.Errorf("line lacks %s: %s", want, line)
			}
		}
	}
	if !strings.Contains(lines[1], `"email":"j@example.com"`) {
		t.Errorf("v2 line lacks the email: %s", lines[1])
	}
}

// A person is personal data: unless its route asks, it is logged only at
// DEBUG.
func TestPersonDataOnlyWhenAsked(t *testing.T) {
	email := "j@example.com"
	p := PersonV2{Name: "John", Age: 30, City: "New York", Email: &email}
	for _, c := range []struct {
		name     string
		level    slog.Level
		asked    bool
		data     bool
		logLevel string
	}{
		{"info, not asked", slog.LevelInfo, false, false, "INFO"},
		{"info, asked", slog.LevelInfo, true, true, "INFO"},
		{"debug, not asked", slog.LevelDebug, false, true, "DEBUG"},
		{"warn, asked", slog.LevelWarn, true, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: c.level}))
			_, _ = LogPersonV1(l, c.asked)(context.Background(), pipeline.Event[PersonV1]{Event: event.Event{ID: "a"}, Data: PersonV1{Name: p.Name, Age: p.Age, City: p.City}})
			_, _ = LogPersonV2(l, c.asked)(context.Background(), pipeline.Event[PersonV2]{Event: event.Event{ID: "b"}, Data: p})
			out := buf.String()
			for _, pd := range []string{"John", "New York", `"age":30`, "j@example.com"} { // "30" alone would match a timestamp
				if strings.Contains(out, pd) != c.data {
					t.Errorf("%q in the log: %v, want %v:\n%s", pd, !c.data, c.data, out)
				}
			}
			if c.logLevel != "" && (strings.Count(out, `"level":"`+c.logLevel+`"`) != 2 || !strings.Contains(out, `"id":"b"`)) {
				t.Errorf("want two %s lines with the ids:\n%s", c.logLevel, out)
			}
		})
	}
}

func TestBuiltinsRegisterTheirKeys(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "echo/v1,person/v1,person/v2" {
		t.Fatalf("Names = %s", got)
	}
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	for _, register := range Builtins(slog.New(slog.DiscardHandler), nil) {
		register(b)
	}
	if _, err := b.Build(pipeline.Options{}); err != nil {
		t.Fatalf("the shipped handlers must match the shipped schemas: %v", err)
	}
}
