package natsbus

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsserver "github.com/nats-io/nats-server/v2/test"
)

// runNATS starts a real NATS server with JetStream, storing in dir, on
// port (-1: any free one). Restarting with the same dir and port brings
// back the stream and its de-duplication window.
func runNATS(t testing.TB, dir string, port int) *server.Server {
	t.Helper()
	opts := natsserver.DefaultTestOptions
	opts.Port = port
	opts.JetStream = true
	opts.StoreDir = dir
	s := natsserver.RunServer(&opts)
	t.Cleanup(s.Shutdown)
	return s
}

func portOf(t *testing.T, s *server.Server) int {
	t.Helper()
	_, p, err := net.SplitHostPort(s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

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
