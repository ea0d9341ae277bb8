package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/testkit"
)

// SIGTERM while frames wait on a webhook that never answers: the process
// exits within shutdown.drain_timeout and a second, each client whose
// frame was in flight gets UNAVAILABLE or a 1001 close (never an ack), and
// every acknowledged event is in the file action's file.
func TestBinarySIGTERMWithAStuckWebhook(t *testing.T) {
	var hits atomic.Int64
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select { // never answers while the gateway lives
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer close(release)

	dir := t.TempDir()
	events := filepath.Join(dir, "events.ndjson")
	const drain = 2 * time.Second
	cfg := fmt.Sprintf(`
schemas: {dir: %s}
handlers: [echo/v1]
actions:
  events: {kind: file, path: %s, sync: always}
  hook: {kind: webhook, url: "%s/events", timeout: 60s, retries: 5, backoff: 1s}
routes:
  - {type: echo, version: 1, actions: [events]}
  - {type: person, version: 1, actions: [events, hook]}
shutdown: {drain_timeout: %s}
`, repoSchemas(t), events, hook.URL, drain)
	cfgPath := filepath.Join(dir, "config.yaml")
	testkit.WriteFile(t, cfgPath, []byte(cfg))
	srv := serveBinary(t, cfgPath, nil)
	logs, addr := srv.Logs, srv.Addr

	// Acknowledged events first: they must survive the shutdown.
	var acked []string
	ws := make([]*websocket.Conn, 3)
	for i := range ws {
		ws[i] = hDial(t, addr, "/ws", nil)
		id := fmt.Sprintf("echo-%d", i)
		if r := hSend(t, ws[i], `{"id":"`+id+`","type":"echo","version":1,"data":{"n":1}}`); !r.OK {
			t.Fatalf("%s: %+v", id, r)
		}
		acked = append(acked, id)
	}
	// Then one frame each that the webhook holds, over WebSocket and HTTP.
	for i, c := range ws {
		if err := c.WriteMessage(websocket.TextMessage, []byte(personFrame(fmt.Sprintf("stuck-%d", i)))); err != nil {
			t.Fatal(err)
		}
	}
	httpDone := make(chan httpAnswer, 1)
	go func() { httpDone <- postStuck(addr, personFrame("stuck-http")) }()
	deadline := time.Now().Add(60 * time.Second)
	for hits.Load() < int64(len(ws)+1) {
		if time.Now().After(deadline) {
			t.Fatalf("the webhook saw %d of %d events", hits.Load(), len(ws)+1)
		}
		time.Sleep(10 * time.Millisecond)
	}

	signalled := time.Now()
	srv.Signal(t, syscall.SIGTERM)
	err := srv.WaitExit(t, drain+30*time.Second)
	t.Logf("exit %v after %v", err, time.Since(signalled).Round(time.Millisecond))
	// The bound the process owes is drain + 1 s; the test measures with its
	// own clock on a shared, loaded machine, so it allows scheduling slack
	// up to drain + 5 s. A real hang is still caught by the 30 s check above.
	if d := time.Since(signalled); d > drain+5*time.Second {
		t.Errorf("exit took %v, more than drain_timeout %v plus 5 s of slack\n%s", d, drain, tail(logs.String()))
	}
	for i, c := range ws {
		if got := stuckOutcome(c); got != "" {
			t.Errorf("client %d: %s", i, got)
		}
	}
	if a := <-httpDone; a.err != nil || a.status != http.StatusServiceUnavailable || a.code != 14 {
		t.Errorf("HTTP client: status %d, code %d, err %v; want 503 UNAVAILABLE", a.status, a.code, a.err)
	}
	inFile := fileIDs(t, events)
	for _, id := range acked {
		if !inFile[id] {
			t.Errorf("%s was acknowledged but is not in the file", id)
		}
	}
}

// stuckOutcome reads what a client whose frame was in flight got: a
// reply with UNAVAILABLE and then 1001, or 1001 alone. It says what was
// wrong, or "".
func stuckOutcome(c *websocket.Conn) string {
	for {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, msg, err := c.ReadMessage()
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce) && ce.Code == websocket.CloseGoingAway:
			return ""
		case err != nil:
			return fmt.Sprintf("connection ended with %v, want close 1001", err)
		}
		var r hReply
		if json.Unmarshal(msg, &r) != nil || r.OK || hCode(r) != 14 {
			return fmt.Sprintf("reply %s, want UNAVAILABLE", msg)
		}
	}
}

type httpAnswer struct {
	status, code int
	err          error
}

func postStuck(addr, frame string) httpAnswer {
	c := &http.Client{Timeout: 60 * time.Second}
	resp, err := c.Post("http://"+addr+"/v1/events", "application/json", bytes.NewBufferString(frame))
	if err != nil {
		return httpAnswer{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	var r hReply
	if err == nil {
		err = json.Unmarshal(body, &r)
	}
	return httpAnswer{status: resp.StatusCode, code: hCode(r), err: err}
}
