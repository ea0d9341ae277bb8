package ws

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestPingsKeepAnsweringClientAlive: the server pings on schedule from its
// timer, each pong a client answers with puts its read deadline a whole
// pong timeout ahead, and a client that never answers is closed. What a
// pong does is checked on the server (as TestPongsBetweenFrames does)
// rather than waited out: with a short pong timeout kept alive in real
// time, a loaded machine that left the client's reader unscheduled for
// the timeout made the server close it, as it must.
func TestPingsKeepAnsweringClientAlive(t *testing.T) {
	o := testOptions()
	o.PingInterval = 50 * time.Millisecond // PongTimeout stays a minute: it never fires here
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	sc := onlyConn(t, ts.ws)
	pinged := make(chan struct{}, 100)
	c.SetPingHandler(func(data string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Minute))
	})
	done := make(chan error, 1)
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Minute))
		_, _, err := c.ReadMessage() // answers pings until the server closes
		done <- err
	}()
	for i := range 10 {
		since := forgetReadDeadline(sc)
		waitFor(t, time.Minute, func() bool {
			select {
			case err := <-done:
				t.Fatalf("an answering client was dropped after %d pongs: %v", i, err)
			default:
			}
			return !readDeadline(sc).Before(since.Add(o.PongTimeout))
		})
	}
	if len(pinged) == 0 {
		t.Fatal("the client answered no ping")
	}

	o.PongTimeout = 500 * time.Millisecond
	silent := newTestServer(t, o).dial(t, "/ws", nil)
	silent.SetPingHandler(func(string) error { return nil }) // never answers
	code, text := expectClose(t, silent)
	if code != websocket.CloseGoingAway {
		t.Fatalf("silent client closed with %d %q, want 1001", code, text)
	}
}

// TestRepliesWithoutWriterGoroutine: a lone frame's reply is written by
// the reader itself and no writer is left behind, a burst of frames sent
// in one write is answered in order, and the ping timer, which writes a
// ping itself, gives the writer's role back. Each step waits for its
// outcome.
func TestRepliesWithoutWriterGoroutine(t *testing.T) {
	o := testOptions()
	o.PingInterval = writerLinger + 100*time.Millisecond
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	frame := `{"id":"w1","type":"echo","version":1,"data":"x"}`
	if r, raw := roundTrip(t, c, frame); !r.OK {
		t.Fatalf("reply %s", raw)
	}
	waitFor(t, 10*time.Second, func() bool { return writersIdle(ts.ws) == 1 })
	nc := c.NetConn() // one write carrying many frames, as a pipelining client's
	var burst []byte
	for i := range 50 {
		msg := []byte(`{"id":"b` + strconv.Itoa(i) + `","type":"echo","version":1,"data":` + strconv.Itoa(i) + `}`)
		burst = append(burst, maskedFrame(websocket.TextMessage, msg)...)
	}
	if _, err := nc.Write(burst); err != nil {
		t.Fatal(err)
	}
	pinged := make(chan struct{}, 1)
	c.SetPingHandler(func(string) error {
		signal(pinged)
		return nil
	})
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range 50 {
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if want := `"id":"b` + strconv.Itoa(i) + `"`; !strings.Contains(string(msg), want) {
			t.Fatalf("reply %d is %s, want %s", i, msg, want)
		}
	}
	// A ping is written on the ping timer's goroutine, which then gives
	// the writer's role back.
	go func() { _, _, _ = c.ReadMessage() }()
	select {
	case <-pinged:
	case <-time.After(10 * time.Second):
		t.Fatal("no ping")
	}
	waitFor(t, 10*time.Second, func() bool { return writersIdle(ts.ws) == 1 })
}

// writersIdle counts the connections whose writer's role is free.
func writersIdle(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if !c.writing.Load() {
			n++
		}
	}
	return n
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
			burst = append(burst, maskedFrame(websocket.TextMessage, []byte(`{"id":"b`+strconv.Itoa(i)+`","type":"echo","version":1,"data":1}`))...)
		}
		closeFrame := maskedFrame(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"))
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
// frame, whole or with a frame cut in two. Alive is what the server does
// with a pong, checked here rather than waited out: the read deadline is
// forgotten before each write and must come back at least PongTimeout
// past it. With a 600 ms PongTimeout waited out in real time, the test
// failed when the loaded machine left its goroutines unscheduled that long.
func TestPongsBetweenFrames(t *testing.T) {
	o := testOptions()
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	sc := onlyConn(t, ts.ws)
	pong := maskedFrame(websocket.PongMessage, []byte("p"))
	frame := maskedFrame(websocket.TextMessage, []byte(`{"id":"a","type":"echo","version":1,"data":1}`))
	nc := c.NetConn()
	send := func(b []byte) {
		t.Helper()
		sent := forgetReadDeadline(sc)
		if _, err := nc.Write(b); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, func() bool { return !readDeadline(sc).Before(sent.Add(o.PongTimeout)) })
	}
	for i := range 12 {
		send(pong)
		if i%2 == 1 {
			write := append(append(append([]byte{}, pong...), pong...), frame...)
			send(write[:len(write)-5]) // the frame cut short, after the server took a pong ahead of it
			if _, err := nc.Write(write[len(write)-5:]); err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"ok":true`) {
				t.Fatalf("round %d: %s, %v", i, msg, err)
			}
		}
	}
}

// onlyConn is the server's one connection, once it is tracked.
func onlyConn(t *testing.T, s *Server) *conn {
	t.Helper()
	var c *conn
	waitFor(t, 10*time.Second, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for x := range s.conns {
			c = x
		}
		return len(s.conns) == 1
	})
	return c
}

// forgetReadDeadline makes c's next extend set its read deadline, as if
// it had never been set, and returns the time before which it was.
func forgetReadDeadline(c *conn) time.Time {
	c.life.until.Store(0)
	return time.Now()
}

// readDeadline is the read deadline c's extend last set.
func readDeadline(c *conn) time.Time { return deadlineOf(&c.life) }

// deadlineOf is the read deadline l's extend last set; its origin when none.
func deadlineOf(l *lifecycle) time.Time { return l.origin.Add(time.Duration(l.until.Load())) }

// TestTextFramesAsGorillaWritesThem: the writer frames a reply byte for
// byte as gorilla's WriteMessage does, in each length encoding.
func TestTextFramesAsGorillaWritesThem(t *testing.T) {
	ws, _, c, br := gorillaPair(t)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, n := range []int{0, 1, 125, 126, 1000, 0xffff, 0x10000, 200000} {
		payload := bytes.Repeat([]byte{'x'}, n)
		written := make(chan error, 1)
		go func() { written <- ws.WriteMessage(websocket.TextMessage, payload) }()
		want := append(appendTextHeader(nil, n), payload...)
		got := make([]byte, len(want))
		if _, err := io.ReadFull(br, got); err != nil {
			t.Fatal(err)
		}
		if err := <-written; err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: gorilla wrote a header %x, the writer's is %x", n, got[:min(len(got), 10)], want[:min(len(want), 10)])
		}
	}
}

// TestPongKeepsTheWritersDeadline: the pong to a client's ping is written
// under WriteTimeout, as every write of the writer's is. gorilla's own
// handler set a 1 s deadline on the connection beneath, which a batch
// being flushed then ran under.
func TestPongKeepsTheWritersDeadline(t *testing.T) {
	o := testOptions()
	o.WriteTimeout = time.Hour
	ts := newTestServer(t, o)
	c := ts.dial(t, "/ws", nil)
	sc := onlyConn(t, ts.ws)
	ponged := make(chan string, 1)
	c.SetPongHandler(func(data string) error {
		ponged <- data
		return nil
	})
	before := time.Now()
	if err := c.WriteControl(websocket.PingMessage, []byte("p1"), time.Now().Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	go func() { _, _, _ = c.ReadMessage() }() // runs the pong handler until the test ends
	select {
	case data := <-ponged:
		if data != "p1" {
			t.Fatalf("pong carries %q, want the ping's %q", data, "p1")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pong")
	}
	if d := sc.bc.WriteDeadline(); d.Before(before.Add(o.WriteTimeout)) {
		t.Fatalf("the pong left a write deadline %v after the ping, want WriteTimeout (%v)", d.Sub(before), o.WriteTimeout)
	}
}
