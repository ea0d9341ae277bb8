package ws

import (
	"strconv"
	"strings"
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

// TestRepliesWithoutWriterGoroutine: a lone frame's reply is written by
// the reader itself (no writer is left running), a burst of frames sent
// in one write is answered in order, and after writerLinger a writer
// started by a ping is gone again.
func TestRepliesWithoutWriterGoroutine(t *testing.T) {
	o := testOptions()
	o.PingInterval = writerLinger + 100*time.Millisecond
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	frame := `{"id":"w1","type":"echo","version":1,"data":"x"}`
	if r, raw := roundTrip(t, c, frame); !r.OK {
		t.Fatalf("reply %s", raw)
	}
	if got := writerStates(ts.ws); got[writerIdle] != 1 {
		t.Fatalf("right after a reply: writer states %v, want one idle", got)
	}
	nc := c.NetConn() // one write carrying many frames, as a pipelining client's
	var burst []byte
	for i := range 50 {
		msg := []byte(`{"id":"b` + strconv.Itoa(i) + `","type":"echo","version":1,"data":` + strconv.Itoa(i) + `}`)
		burst = append(burst, maskedFrame(msg)...)
	}
	if _, err := nc.Write(burst); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for i := range 50 {
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if want := `"id":"b` + strconv.Itoa(i) + `"`; !strings.Contains(string(msg), want) {
			t.Fatalf("reply %d is %s, want %s", i, msg, want)
		}
	}
	// A ping starts a writer, which leaves writerLinger later.
	for _, want := range []int32{writerRunning, writerIdle} {
		deadline := time.Now().Add(3 * o.PingInterval)
		for writerStates(ts.ws)[want] != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("writer never %d; states %v", want, writerStates(ts.ws))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// maskedFrame is a client's text frame (masked, as RFC 6455 requires).
func maskedFrame(p []byte) []byte {
	key := [4]byte{1, 2, 3, 4}
	f := []byte{0x81}
	switch {
	case len(p) < 126:
		f = append(f, 0x80|byte(len(p)))
	default:
		f = append(f, 0x80|126, byte(len(p)>>8), byte(len(p)))
	}
	f = append(f, key[:]...)
	for i, b := range p {
		f = append(f, b^key[i%4])
	}
	return f
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

// TestRepliesBeforeClientClose: a client that sends a burst of frames
// and its close frame in one write gets every reply before the server's
// close, which echoes its code. gorilla's default close handler answered
// at once and then refused the queued replies.
func TestRepliesBeforeClientClose(t *testing.T) {
	ts := newTestServer(t, testOptions())
	const rounds, n = 10, 30
	for range rounds {
		c := ts.dial(t, "/ws", nil)
		var burst []byte
		for i := range n {
			burst = append(burst, maskedFrame([]byte(`{"id":"b`+strconv.Itoa(i)+`","type":"echo","version":1,"data":1}`))...)
		}
		closeFrame := maskedFrame(websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"))
		closeFrame[0] = 0x88 // FIN + close opcode
		if _, err := c.NetConn().Write(append(burst, closeFrame...)); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got := 0
		for {
			_, _, err := c.ReadMessage()
			if err != nil {
				if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
					t.Fatalf("after %d replies: %v, want the echoed 1001", got, err)
				}
				break
			}
			got++
		}
		if got != n {
			t.Fatalf("%d of %d replies before the close", got, n)
		}
	}
}

// TestPongsBetweenFrames: pongs taken in the reader's shallow wait (see
// skipPong) keep the connection alive and in step, alone or ahead of a
// frame, whole or with a frame cut in two.
func TestPongsBetweenFrames(t *testing.T) {
	o := testOptions()
	o.PongTimeout = 300 * time.Millisecond
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	pong := maskedFrame([]byte("p"))
	pong[0] = 0x8A // FIN + pong opcode
	frame := maskedFrame([]byte(`{"id":"a","type":"echo","version":1,"data":1}`))
	nc := c.NetConn()
	for i := range 6 { // longer than the pong timeout in all, kept alive by pongs alone
		if _, err := nc.Write(pong); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if i%2 == 1 {
			write := append(append(append([]byte{}, pong...), pong...), frame...)
			if _, err := nc.Write(write[:len(write)-5]); err != nil { // the frame cut short
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
			if _, err := nc.Write(write[len(write)-5:]); err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"ok":true`) {
				t.Fatalf("round %d: %s, %v", i, msg, err)
			}
		}
	}
}
