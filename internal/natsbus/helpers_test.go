package natsbus

import (
	"context"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/action"
)

// testConfig's PublishTimeout is a deadline, not a speed target: one
// second was seen to run out on a 2-core machine at load 35 with the race
// detector on. A test that is about the timeout sets its own.
func testConfig(url string) Config {
	return Config{Servers: []string{url}, Stream: "EVENTS", SubjectPrefix: "events", CreateStream: true,
		Replicas: 1, DuplicateWindow: time.Minute, PublishTimeout: 10 * time.Second, ReconnectWait: 50 * time.Millisecond}
}

func connect(t testing.TB, cfg Config) *Bus {
	t.Helper()
	b, err := Connect(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return b
}

// newSender sends to url, unsigned, with the default timeout.
func newSender(t testing.TB, url string) *action.Sender {
	t.Helper()
	s, err := action.NewSender(action.WebhookConfig{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
