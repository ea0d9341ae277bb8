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

// Restartable is a NATS server that a test stops and starts again on the
// same store and port, as an outage and its end look to the clients.
type Restartable struct {
	t    testing.TB
	dir  string
	url  string
	port int
	s    *server.Server
}

// RunRestartable starts a server as Run does, on any free port, storing in
// a directory of the test's own.
func RunRestartable(t testing.TB) *Restartable {
	t.Helper()
	r := &Restartable{t: t, dir: t.TempDir()}
	r.s = Run(t, r.dir, -1)
	r.url = r.s.ClientURL()
	r.port = Port(t, r.url)
	return r
}

// URL is where clients reach the server, before and after a restart.
func (r *Restartable) URL() string { return r.url }

// Stop shuts the server down and waits until it is gone.
func (r *Restartable) Stop() {
	r.s.Shutdown()
	r.s.WaitForShutdown()
}

// Start runs the server again on its store and port: the stream and its
// de-duplication window come back with it.
func (r *Restartable) Start() {
	r.t.Helper()
	r.s = Run(r.t, r.dir, r.port)
}
