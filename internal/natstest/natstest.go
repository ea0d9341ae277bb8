// Package natstest runs real NATS servers with JetStream for tests, in
// the test's process, so that the gateway's NATS code is tested against
// the server it will meet rather than a fake.
package natstest

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	natsserver "github.com/nats-io/nats-server/v2/test"
)

// Run starts a NATS server with JetStream, storing in dir, on port (-1:
// any free one), and shuts it down when the test ends. Restarting with the
// same dir and port brings back the stream and its de-duplication window,
// where the clients that knew the first server will look for it.
func Run(t testing.TB, dir string, port int) *server.Server {
	t.Helper()
	opts := natsserver.DefaultTestOptions
	opts.Port = port
	opts.JetStream = true
	opts.StoreDir = dir
	s := natsserver.RunServer(&opts)
	t.Cleanup(s.Shutdown)
	return s
}

// Port is the port of a client URL (nats://host:port), to restart a server
// on it.
func Port(t testing.TB, clientURL string) int {
	t.Helper()
	u, err := url.Parse(clientURL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("no port in %q: %v", clientURL, err)
	}
	return p
}
