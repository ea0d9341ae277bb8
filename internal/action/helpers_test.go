package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// fileLine is a line of the file sink as a consumer decodes it.
type fileLine struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Version  int             `json:"version"`
	Received string          `json:"received"`
	Data     json.RawMessage `json:"data"`
}

// readLines decodes every line of path, failing the test on a partial or
// malformed one.
func readLines(t *testing.T, path string) []fileLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("%s ends in a partial line: %q", path, tail(b))
	}
	var out []fileLine
	for i, raw := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		if len(raw) == 0 && len(b) == 0 {
			break
		}
		var l fileLine
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %d is not a record: %v: %q", i+1, err, raw)
		}
		out = append(out, l)
	}
	return out
}

func tail(b []byte) []byte { return b[max(len(b)-80, 0):] }

// wantCode fails unless err is a *status.Error with code want, and, for
// UNAVAILABLE, marked retryable.
func wantCode(t *testing.T, err error, want codes.Code) {
	t.Helper()
	var se *status.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want a *status.Error with %v", err, err, want)
	}
	if se.Code != want {
		t.Fatalf("code = %v, want %v (err: %v)", se.Code, want, err)
	}
}

func testEvent(id string, data string) event.Event {
	return event.Event{ID: id, Key: event.Key{Type: "person", Version: 2}, Raw: []byte(data), Received: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
}

func closeOK(t *testing.T, a interface{ Close(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
