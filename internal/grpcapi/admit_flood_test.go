package grpcapi_test

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/testkit"
)

// A flood of connections over the limit is not a flood of log lines.
func TestConnectionLimitFloodLogsOnce(t *testing.T) {
	var logs testkit.Buffer
	f := newFixture(t, grpcapi.Options{MaxConnections: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	first := f.client(t)
	if _, err := first.ListSchemas(ctxT(t), &schemagatev1.ListSchemasRequest{}); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		c, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		// Refused: closed at once (EOF or reset), well before the deadline.
		if _, err := io.Copy(io.Discard, c); err != nil && strings.Contains(err.Error(), "timeout") {
			t.Fatal(err)
		}
		c.Close()
	}
	if n := strings.Count(logs.String(), "connection limit"); n != 1 {
		t.Fatalf("%d log lines for 20 refusals, want 1:\n%s", n, logs.String())
	}
}
