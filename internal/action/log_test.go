package action

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"google.golang.org/grpc/codes"
)

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	a := NewLog(slog.New(slog.NewJSONHandler(&buf, nil)), true)
	if err := a.Do(context.Background(), testEvent("e1", `{"name":"Ada","tags":["<x>"]}`)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Level   string          `json:"level"`
		Msg     string          `json:"msg"`
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Version int             `json:"version"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON line: %v: %s", err, buf.Bytes())
	}
	if got.Level != "INFO" || got.Msg != "event accepted" || got.ID != "e1" || got.Type != "person" || got.Version != 2 {
		t.Errorf("line = %s", buf.Bytes())
	}
	if string(got.Data) != `{"name":"Ada","tags":["<x>"]}` {
		t.Errorf("data = %s, want the event's object", got.Data)
	}

	closeOK(t, a)
	wantCode(t, a.Do(context.Background(), testEvent("e2", `{}`)), codes.Unavailable)
}

// Without a route asking, the data is logged only at DEBUG.
func TestLogDataOnlyWhenAsked(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		asked bool
		want  string // the line's level, and "+data" when it carries the data
	}{
		{slog.LevelInfo, false, "INFO"},
		{slog.LevelInfo, true, "INFO+data"},
		{slog.LevelDebug, false, "DEBUG+data"},
		{slog.LevelDebug, true, "INFO+data"},
	} {
		var buf bytes.Buffer
		a := NewLog(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: c.level})), c.asked)
		if err := a.Do(context.Background(), testEvent("e1", `{"name":"Ada"}`)); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Level string          `json:"level"`
			ID    string          `json:"id"`
			Data  json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s", buf.Bytes())
		}
		line := got.Level
		if got.Data != nil {
			line += "+data"
		}
		if line != c.want || got.ID != "e1" {
			t.Errorf("level %v asked %v: %s, want %s with the id", c.level, c.asked, buf.Bytes(), c.want)
		}
	}
}
