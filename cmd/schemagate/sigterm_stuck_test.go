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
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
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
	cc, _ := dialGRPC(t, logs)
	grpcDone := make(chan error, 1)
	go func() {
		_, err := schemagatev1.NewEventServiceClient(cc).Publish(t.Context(),
			&schemagatev1.Event{Id: "stuck-grpc", Type: "person", Version: 1, Data: []byte(personData)})
		grpcDone <- err
	}()
	testkit.WaitFor(t, 60*time.Second, "the webhook holding every stuck frame", func() bool {
		return hits.Load() >= int64(len(ws)+2)
	})

	signalled := time.Now()
	srv.Signal(t, syscall.SIGTERM)
	err := srv.WaitExit(t, drain+30*time.Second)
	t.Logf("exit %v after %v", err, time.Since(signalled).Round(time.Millisecond))
	// The bound the process owes is drain + 1 s from the moment it hears the
	// signal to its last word, measured by its own log clock: the test's
	// clock also counts how late a loaded machine schedules the signal and
	// the exit, so by that clock it only catches a hang (drain + 5 s).
	if d := drainTook(t, logs.String()); d > drain+time.Second {
		t.Errorf("the drain took %v by the process's log, more than drain_timeout %v plus a second\n%s", d, drain, tail(logs.String()))
	}
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
	if err := <-grpcDone; grpcstatus.Code(err) != codes.Unavailable {
		t.Errorf("gRPC client: %v; want UNAVAILABLE", err)
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

// drainTook is the time from the process's "shutting down" log line to
// its last line, by the times the process wrote in them.
func drainTook(t *testing.T, logs string) time.Duration {
	t.Helper()
	var start, last time.Time
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec struct {
			Time time.Time `json:"time"`
			Msg  string    `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec.Msg == "shutting down" {
			start = rec.Time
		}
		last = rec.Time
	}
	if start.IsZero() {
		t.Fatalf("no \"shutting down\" line in the log:\n%s", tail(logs))
	}
	return last.Sub(start)
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
