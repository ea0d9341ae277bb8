package natsbus

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/testkit"
)

// TestHubFansOutAcrossInstances: two gateways' buses on one NATS; what the
// first publishes reaches a subscriber of the second, once per id, and
// only for the types it asked for.
func TestHubFansOutAcrossInstances(t *testing.T) {
	s := natstest.Run(t, t.TempDir(), -1)
	a := connect(t, testConfig(s.ClientURL()))
	b := connect(t, testConfig(s.ClientURL()))
	hub := b.Hub([]string{"person", "order.placed"})
	t.Cleanup(func() { _ = hub.Close(context.Background()) })
	frames := make(chan []byte, 16)
	cancel := hub.Subscribe([]string{"person"}, func(f []byte) { frames <- f })
	defer cancel()
	// The consumer starts in the background, at new messages: publish
	// until the first arrives, then the rest.
	ctx, p := context.Background(), a.Publisher()
	warm := 0
	testkit.WaitFor(t, 10*time.Second, "the hub's first event", func() bool {
		warm++ // a new id each time: a resent one would not be stored again
		if err := p.Do(ctx, testEvent(fmt.Sprintf("warm-up-%d", warm))); err != nil {
			t.Fatal(err)
		}
		select {
		case <-frames:
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	})
	order := testEvent("o-1")
	order.Key.Type = "order.placed"
	for _, ev := range []func() error{
		func() error { return p.Do(ctx, order) },
		func() error { return p.Do(ctx, testEvent("p-1")) },
		func() error { return p.Do(ctx, testEvent("p-1")) }, // a resend: stored once, sent once
		func() error { return p.Do(ctx, testEvent("p-2")) },
	} {
		if err := ev(); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"p-1", "p-2"} {
		var f struct {
			Event struct {
				ID      string          `json:"id"`
				Type    string          `json:"type"`
				Version int             `json:"version"`
				Data    json.RawMessage `json:"data"`
			} `json:"event"`
		}
		select {
		case raw := <-frames:
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			if f.Event.ID != want || f.Event.Type != "person" || f.Event.Version != 1 || string(f.Event.Data) != `{"name":"John","age":30,"city":"New York"}` {
				t.Fatalf("frame %s, want id %s", raw, want)
			}
		case <-time.After(30 * time.Second): // a deadline for a loaded machine, not a speed target
			t.Fatalf("no frame for %s", want)
		}
	}
	select {
	case raw := <-frames:
		t.Fatalf("unexpected frame %s", raw)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestHubResumesAfterNATSRestart: the fan-out outlives a NATS restart;
// events stored after it reach the subscriber without a new subscription.
func TestHubResumesAfterNATSRestart(t *testing.T) {
	s := natstest.RunRestartable(t)
	b := connect(t, testConfig(s.URL()))
	hub := b.Hub([]string{"person"})
	t.Cleanup(func() { _ = hub.Close(context.Background()) })
	frames := make(chan []byte, 64)
	defer hub.Subscribe([]string{"person"}, func(f []byte) { frames <- f })()
	p, n := b.Publisher(), 0
	// Publish new ids until one comes through the fan-out.
	through := func(what string) {
		t.Helper()
		testkit.WaitFor(t, 20*time.Second, what, func() bool {
			n++
			if p.Do(context.Background(), testEvent(fmt.Sprintf("e-%d", n))) != nil {
				return false // NATS not back yet
			}
			select {
			case <-frames:
				return true
			case <-time.After(100 * time.Millisecond):
				return false
			}
		})
	}
	through("fan-out before the restart")
	s.Stop()
	s.Start()
	through("fan-out after the restart")
}
