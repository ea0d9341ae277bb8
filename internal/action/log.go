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
	data   bool
	closed atomic.Bool
}

// NewLog returns an action that logs each event with message "event
// accepted" and attributes id, type and version: at INFO, and with the
// event's data too when data is set (a route asked for it). Without data,
// events may carry personal data that has no place in logs, so the data is
// logged only when l is at DEBUG, and the line is then at DEBUG. With a
// JSON handler, data appears as the event's JSON object itself rather than
// as a string. A nil l means slog.Default().
func NewLog(l *slog.Logger, data bool) Action {
	if l == nil {
		l = slog.Default()
	}
	return &logAction{l: l, data: data}
}

// Do logs ev and succeeds until Close: a log line that cannot be written is
// the handler's concern, and failing events for it would stop the gateway
// over its diagnostics.
func (a *logAction) Do(ctx context.Context, ev event.Event) error {
	if a.closed.Load() {
		return status.Unavailable(nil, "event log is closed")
	}
	attrs := []slog.Attr{slog.String("id", ev.ID), slog.String("type", ev.Key.Type), slog.Int("version", ev.Key.Version)}
	level, withData := DataLevel(ctx, a.l, a.data)
	if withData {
		data := json.RawMessage(ev.Raw)
		if len(data) == 0 {
			data = json.RawMessage("null")
		}
		attrs = append(attrs, slog.Any("data", data))
	}
	a.l.LogAttrs(ctx, level, "event accepted", attrs...)
	return nil
}

// Close only refuses later events: the logger belongs to the caller.
func (a *logAction) Close(context.Context) error {
	a.closed.Store(true)
	return nil
}

// DataLevel says at which level, and whether with the event's data, a line
// about an accepted event is logged: with it at INFO when asked (a route's
// log.data), with it at DEBUG when l logs DEBUG, and without it at INFO
// otherwise, so that personal data reaches logs only on purpose.
func DataLevel(ctx context.Context, l *slog.Logger, asked bool) (slog.Level, bool) {
	switch {
	case asked:
		return slog.LevelInfo, true
	case l.Enabled(ctx, slog.LevelDebug):
		return slog.LevelDebug, true
	}
	return slog.LevelInfo, false
}
