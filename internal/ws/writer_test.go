package ws

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestPingsKeepAnsweringClientAlive: the server pings on schedule from its
// timer, a client that answers (gorilla's reader does) outlives many pong
// timeouts, and one that stops reading, so never answers, is closed.
func TestPingsKeepAnsweringClientAlive(t *testing.T) {
	o := testOptions()
	o.PingInterval, o.PongTimeout = 40*time.Millisecond, 150*time.Millisecond
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	var pings atomic.Int32
	c.SetPingHandler(func(data string) error {
		pings.Add(1)
		return c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	done := make(chan error, 1)
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := c.ReadMessage() // answers pings until the server closes
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("an answering client was dropped after %d pings: %v", pings.Load(), err)
	case <-time.After(600 * time.Millisecond): // four pong timeouts
	}
	if n := pings.Load(); n < 5 {
		t.Fatalf("%d pings in 600ms at a 40ms interval", n)
	}

	silent := ts.dial(t, "/ws", nil) // never reads, so never answers a ping
	time.Sleep(400 * time.Millisecond)
	code, text := expectClose(t, silent)
	if code != websocket.CloseGoingAway {
		t.Fatalf("silent client closed with %d %q, want 1001", code, text)
	}
}

// TestWriterOnlyWhileThereIsWork: after writerLinger without replies the
// writer goroutine is gone, and the next frame brings one back.
func TestWriterOnlyWhileThereIsWork(t *testing.T) {
	ts := newTestServer(t, testOptions())
	c := ts.dial(t, "/ws", nil)
	frame := `{"id":"w1","type":"echo","version":1,"data":"x"}`
	if r, raw := roundTrip(t, c, frame); !r.OK {
		t.Fatalf("reply %s", raw)
	}
	if got := writerStates(ts.ws); got[writerRunning] != 1 {
		t.Fatalf("right after a reply: writer states %v, want one running", got)
	}
	time.Sleep(writerLinger + 300*time.Millisecond)
	if got := writerStates(ts.ws); got[writerIdle] != 1 {
		t.Fatalf("after %v without work: writer states %v, want one idle", writerLinger, got)
	}
	for i := range 3 {
		if r, raw := roundTrip(t, c, frame); !r.OK {
			t.Fatalf("reply %d after the writer went idle: %s", i, raw)
		}
	}
}

func writerStates(s *Server) map[int32]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int32]int{}
	for c := range s.conns {
		out[c.writer.Load()]++
	}
	return out
}
