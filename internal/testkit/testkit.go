// Package testkit holds the helpers that tests in several rooms share, so
// that none is copied: waiting for an outcome within a deadline, a
// WebSocket round trip, reading back what a JetStream stream stored, a
// log buffer safe for concurrent writers, the binary built once per test
// package, a server process started and waited for until it listens (then
// stopped or killed), files and trees written for a test, the outside
// tools a test drives found (or the test skipped, saying how to install
// them) and run within a deadline, a scripted webhook endpoint,
// systemd's end of a notify socket, the shared benchmark workloads (and
// where ../shared/bench is), lines looked up in a metrics exposition, and
// a function run by many goroutines at once.
// Only tests import it.
package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WaitFor polls cond until it holds, failing the test once d has passed:
// for outcomes on a server's side, where no channel reaches. It waits for
// an outcome, never asserts a moment's state.
func WaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// StoredIDs reads every message of a JetStream stream, as a consumer
// downstream would, and returns the Nats-Msg-Id of each in order.
func StoredIDs(t testing.TB, url, stream string) []string {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	n := s.CachedInfo().State.Msgs
	if n == 0 {
		return nil
	}
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for uint64(len(ids)) < n {
		batch, err := cons.Fetch(int(n)-len(ids), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for m := range batch.Messages() {
			ids = append(ids, m.Headers().Get(jetstream.MsgIDHeader))
			got++
		}
		if got == 0 {
			t.Fatalf("stream says %d messages, read only %d", n, len(ids))
		}
	}
	return ids
}

// Exchange writes frame on c and returns the next message it reads, each
// within d; any failure ends the test.
func Exchange(t testing.TB, c *websocket.Conn, frame string, d time.Duration) []byte {
	t.Helper()
	_ = c.SetWriteDeadline(time.Now().Add(d))
	if err := c.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, msg, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("reading the reply to %.80q: %v", frame, err)
	}
	return msg
}
