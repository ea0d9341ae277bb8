package main

import (
	"bytes"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// rawH2 is an HTTP/2 connection to the gRPC door with no gRPC client on
// top, so the test decides which frames go out: grpc-go's own client will
// not ping more often than every 10 s.
func rawH2(t *testing.T, addr string) *http2.Framer {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// A deadline for the whole test: a frame that never comes fails it
	// instead of hanging it.
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	if _, err := c.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return fr
}

// nextFrame reads frames until keep accepts one.
func nextFrame(t *testing.T, fr *http2.Framer, what string, keep func(http2.Frame) bool) http2.Frame {
	t.Helper()
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if keep(f) {
			return f
		}
	}
}

// The keepalive settings reach the wire from the configuration: a client
// pinging more often than grpc.min_ping_interval gets GOAWAY
// ENHANCE_YOUR_CALM ("too_many_pings") while a client on another
// connection, mid-stream, keeps being served; an idle connection is pinged
// by the server every websocket.ping_interval.
func TestGRPCKeepaliveFromConfig(t *testing.T) {
	cfg := grpcConfig(t) + "grpc: {min_ping_interval: 1h}\nwebsocket: {ping_interval: 1s, pong_timeout: 1m}\n"
	_, c, grpcAddr := startGRPCServe(t, cfg)
	s, err := c.PublishStream(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roundTrip := func(id string) {
		t.Helper()
		if err := s.Send(&schemagatev1.Event{Id: id, Type: "echo", Version: 1, Data: []byte(`1`)}); err != nil {
			t.Fatal(err)
		}
		if r, err := s.Recv(); err != nil || !r.GetOk() || r.GetId() != id {
			t.Fatalf("%s: %v %v", id, r, err)
		}
	}
	roundTrip("before")

	abuser := rawH2(t, grpcAddr)
	// Pings back to back, all within an hour of each other: the third
	// one too soon is a strike too many. Writes may fail once the server
	// has closed the connection.
	for i := range 10 {
		if abuser.WritePing(false, [8]byte{byte(i + 1)}) != nil {
			break
		}
	}
	f := nextFrame(t, abuser, "GOAWAY", func(f http2.Frame) bool { _, ok := f.(*http2.GoAwayFrame); return ok })
	if g := f.(*http2.GoAwayFrame); g.ErrCode != http2.ErrCodeEnhanceYourCalm || string(g.DebugData()) != "too_many_pings" {
		t.Fatalf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", g.ErrCode, g.DebugData())
	}

	roundTrip("after")
	if _, err := c.Publish(t.Context(), &schemagatev1.Event{Id: "unary", Type: "echo", Version: 1, Data: []byte(`2`)}); err != nil {
		t.Fatalf("Publish after the abuser was sent away: %v", err)
	}

	// The server's own keepalive ping has zero data; grpc-go's BDP pings
	// do not, and an idle connection gets none of those anyway.
	idle := rawH2(t, grpcAddr)
	nextFrame(t, idle, "a keepalive ping from the server", func(f http2.Frame) bool {
		p, ok := f.(*http2.PingFrame)
		return ok && !p.IsAck() && bytes.Equal(p.Data[:], make([]byte, 8))
	})
}
