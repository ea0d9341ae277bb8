package action

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// logAction writes each event as one structured log line. It promises no
// durability: the line is as safe as the logger's handler makes it.
type logAction struct {
	l      *slog.Logger
	closed atomic.Bool
}

// NewLog returns an action that logs each event at level INFO with message
// "event accepted" and attributes id, type, version and data. With a JSON
// handler, data appears as the event's JSON object itself rather than as a
// string. A nil l means slog.Default().
func NewLog(l *slog.Logger) Action {
	if l == nil {
		l = slog.Default()
	}
	return &logAction{l: l}
}

// Do logs ev and succeeds until Close: a log line that cannot be written is
// the handler's concern, and failing events for it would stop the gateway
// over its diagnostics.
func (a *logAction) Do(ctx context.Context, ev event.Event) error {
	if a.closed.Load() {
		return status.Unavailable(nil, "event log is closed")
	}
	data := json.RawMessage(ev.Raw)
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	a.l.LogAttrs(ctx, slog.LevelInfo, "event accepted",
		slog.String("id", ev.ID),
		slog.String("type", ev.Key.Type),
		slog.Int("version", ev.Key.Version),
		slog.Any("data", data),
	)
	return nil
}

// Close only refuses later events: the logger belongs to the caller.
func (a *logAction) Close(context.Context) error {
	a.closed.Store(true)
	return nil
}
