// Package gatewaytest serves an embedded gateway for a test, as
// net/http/httptest serves a handler: on a loopback port the kernel
// chooses, so tests run side by side, and drained when the test ends.
package gatewaytest

import (
	"context"
	"net"
	"testing"

	"github.com/schemagate/schemagate/gateway"
)

// Config is gateway.DefaultConfig over the schema tree in dir, with no
// gRPC door: its default port is fixed, and tests run side by side.
func Config(dir string) gateway.Config {
	cfg := gateway.DefaultConfig()
	cfg.Schemas.Dir = dir
	cfg.GRPC.Listen = ""
	return cfg
}

// Start serves g on a free loopback port until the test ends and returns
// its address (host:port): ws://ADDR/ws and http://ADDR reach it. When the
// test ends, g drains, and the test fails if it did not drain cleanly.
func Start(t testing.TB, g *gateway.Gateway) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the gateway did not drain cleanly: %v", err)
		}
	})
	return ln.Addr().String()
}
