package ws

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// memFeed is an in-process Feed: publish hands a frame to every
// subscriber of its type, as natsbus.Hub does.
type memFeed struct {
	mu   sync.Mutex
	subs map[*func([]byte)][]string
}

func (f *memFeed) Subscribe(types []string, deliver func([]byte)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[*func([]byte)][]string{}
	}
	key := &deliver
	f.subs[key] = types
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, key)
	}
}

func (f *memFeed) publish(typ string, frame []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for d, types := range f.subs {
		for _, t := range types {
			if t == typ {
				(*d)(frame)
			}
		}
	}
}

func (f *memFeed) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func subscribeServer(t *testing.T, o Options, feed *memFeed) (*Server, string) {
	t.Helper()
	ts := newTestServer(t, o)
	hs := httptest.NewServer(ts.ws.SubscribeHandler(feed, []string{"person", "order.placed"}))
	t.Cleanup(hs.Close)
	return ts.ws, "ws" + strings.TrimPrefix(hs.URL, "http") + "/v1/subscribe"
}

func TestSubscribeRefusals(t *testing.T) {
	s, url := subscribeServer(t, testOptions(), &memFeed{})
	for query, want := range map[string]int{
		"":                   http.StatusBadRequest,
		"?types=":            http.StatusBadRequest,
		"?types=Person":      http.StatusBadRequest,
		"?types=person,echo": http.StatusForbidden,
		"?types=" + strings.Repeat("a,", 64) + "a": http.StatusBadRequest,
	} {
		_, resp, err := websocket.DefaultDialer.Dial(url+query, nil)
		if err == nil || resp == nil || resp.StatusCode != want {
			t.Errorf("%q: want %d, got %v %v", query, want, resp, err)
		}
	}
	if n := s.Connections(); n != 0 {
		t.Fatalf("%d slots kept by refused upgrades", n)
	}
}

// TestSubscribeNeedsAuth: without a token, the answer is 401 before the
// types are looked at, and the connection slot is given back.
func TestSubscribeNeedsAuth(t *testing.T) {
	o := testOptions()
	o.Authorize = func(*http.Request) error { return status.New(codes.Unauthenticated, "token required") }
	o.MaxConnections = 1
	s, url := subscribeServer(t, o, &memFeed{})
	for _, q := range []string{"?types=person", "?types=echo", "?types=person"} {
		_, resp, err := websocket.DefaultDialer.Dial(url+q, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: want 401, got %v %v", q, resp, err)
		}
	}
	if n := s.Connections(); n != 0 {
		t.Fatalf("%d slots kept by refused upgrades", n)
	}
}

func TestSubscriberGetsItsTypesOnly(t *testing.T) {
	feed := &memFeed{}
	_, url := subscribeServer(t, testOptions(), feed)
	c, _, err := websocket.DefaultDialer.Dial(url+"?types=order.placed", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A client's frames are ignored, not answered and not fatal.
	if err := c.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for feed.subscribers() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	feed.publish("person", []byte(`{"event":{"id":"p"}}`))
	feed.publish("order.placed", []byte(`{"event":{"id":"o"}}`))
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, f, err := c.ReadMessage()
	if err != nil || string(f) != `{"event":{"id":"o"}}` {
		t.Fatalf("got %s %v", f, err)
	}
	c.Close()
	for feed.subscribers() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if feed.subscribers() != 0 {
		t.Fatal("a closed subscriber is still subscribed")
	}
}

// TestSlowSubscriberIsDropped: a subscriber that does not read is closed
// with 1008 once its queue is full, and the feed never waits for it.
func TestSlowSubscriberIsDropped(t *testing.T) {
	o := testOptions()
	o.SendQueueBytes = 256 << 10
	feed := &memFeed{}
	s, url := subscribeServer(t, o, feed)
	c, _, err := websocket.DefaultDialer.Dial(url+"?types=person", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The close frame gets a write timeout of its own behind what the
	// client never read, and a busy machine is slow: a wide deadline.
	deadline := time.Now().Add(30 * time.Second)
	for feed.subscribers() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	big := []byte(`{"event":{"data":"` + strings.Repeat("x", 60<<10) + `"}}`)
	for i := 0; i < 10000 && feed.subscribers() > 0 && time.Now().Before(deadline); i++ {
		start := time.Now()
		feed.publish("person", big)
		// A blocked feed would wait out the write timeout (2 s).
		if el := time.Since(start); el > time.Second {
			t.Fatalf("publishing to a slow subscriber blocked for %s", el)
		}
	}
	for s.Connections() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Connections() != 0 || feed.subscribers() != 0 {
		t.Fatalf("slow subscriber still there: %d connections, %d subscribers", s.Connections(), feed.subscribers())
	}
	// The close frame queues behind the megabytes the client never read;
	// when the write deadline passes first, the client sees the TCP
	// connection end (1006) instead. Either way it is gone, as checked above.
	err = readUntilEnd(c)
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.ClosePolicyViolation && ce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("close code %d, want 1008 (or 1006 when the close frame could not get through)", ce.Code)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the client's connection was never ended")
	}
}
