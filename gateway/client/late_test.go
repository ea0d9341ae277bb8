package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/gateway/client"
)

// A bare call that gave up before its reply came leaves a place for that
// reply: the next call gets its own reply, not the late one. The server
// echoes frames in order, the first after a pause longer than the
// client's timeout.
func TestBareLateReplyGoesToTheCallThatGaveUp(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for first := true; ; first = false {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if first {
				time.Sleep(time.Second)
			}
			if c.WriteMessage(websocket.TextMessage, msg) != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	c, err := client.New("ws"+strings.TrimPrefix(srv.URL, "http"), client.Options{Bare: true, Timeout: 10 * time.Second, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if r, err := c.SendFrame(short, []byte(`"slow"`)); err == nil {
		t.Fatalf("the first call got %s before the server answered it", r.Raw)
	}
	r, err := c.SendFrame(context.Background(), []byte(`"next"`))
	if err != nil || string(r.Raw) != `"next"` {
		t.Fatalf("the next call got %+v (%v), want its own reply", r, err)
	}
}
