package events

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

func TestEchoReturnsTheDataAsItCame(t *testing.T) {
	raw := []byte(`{"n": 123456789012345678901234567890, "s": "\u00e9"}`)
	got, err := Echo(context.Background(), pipeline.Event[json.RawMessage]{Event: event.Event{Raw: raw}, Data: raw})
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("Echo = %s, %v", got, err)
	}
}

func TestPersonHandlersLogTheTutorialLine(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	p := PersonV1{Name: "John", Age: 30, City: "New York"}
	if _, err := LogPersonV1(l)(context.Background(), pipeline.Event[PersonV1]{Event: event.Event{ID: "a"}, Data: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := LogPersonV2(l)(context.Background(), pipeline.Event[PersonV2]{Event: event.Event{ID: "b"}, Data: PersonV2{PersonV1: p, Email: "j@example.com"}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", buf.String())
	}
	for _, want := range []string{`"msg":"John, 30, New York"`, `"name":"John"`, `"age":30`, `"city":"New York"`} {
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

func TestBuiltinsRegisterTheirKeys(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "echo/v1,person/v1,person/v2" {
		t.Fatalf("Names = %s", got)
	}
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	for _, register := range Builtins(slog.New(slog.DiscardHandler)) {
		register(b)
	}
	if _, err := b.Build(pipeline.Options{}); err != nil {
		t.Fatalf("the shipped handlers must match the shipped schemas: %v", err)
	}
}
