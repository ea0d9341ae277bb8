package ws

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const personFrame = `{"id":"p","type":"person","version":1,"data":{"name":"J","age":1,"city":"X"}}`

// TestShutdownReturnsWhenItsContextEnds: a frame stuck in an action that
// waits for its context (a webhook that never answers) does not hold
// Shutdown past its deadline: the frame's context ends with it.
func TestShutdownReturnsWhenItsContextEnds(t *testing.T) {
	ts := newTestServer(t, testOptions())
	ts.sink.mu.Lock()
	ts.sink.hang = true
	ts.sink.mu.Unlock()
	c := ts.dial(t, "/ws", nil)
	if err := c.WriteMessage(websocket.TextMessage, []byte(personFrame)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return len(ts.sink.contexts()) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	returned := make(chan error, 1)
	go func() { returned <- ts.ws.Shutdown(ctx) }()
	select {
	case err := <-returned:
		if err == nil {
			t.Fatal("Shutdown says all closed while a frame was stuck")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown did not return when its context ended")
	}
	select {
	case <-ts.sink.contexts()[0].Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the stuck frame's context did not end with the drain deadline")
	}
	// The connection then ends on its own, with 1001.
	if code, _ := expectClose(t, c); code != websocket.CloseGoingAway {
		t.Fatalf("close %d, want 1001", code)
	}
}

// TestFrameContextEndsWithTheConnection: what an action keeps of a
// frame's context (an outbox, say) learns when the connection is gone.
func TestFrameContextEndsWithTheConnection(t *testing.T) {
	ts := newTestServer(t, testOptions())
	c := ts.dial(t, "/ws", nil)
	if r, raw := roundTrip(t, c, personFrame); !r.OK {
		t.Fatalf("reply %s", raw)
	}
	ctx := ts.sink.contexts()[0]
	if ctx.Err() != nil {
		t.Fatal("the frame's context ended while its connection is open")
	}
	c.Close()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the frame's context outlived its connection")
	}
}
