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
	a := NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
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
