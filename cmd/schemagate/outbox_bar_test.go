package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/whtest"
)

// The bars of issue 17, with the real binary and the Standard Webhooks
// reference library as the receiver: 10,000 events to an outbox webhook
// whose receiver is down while the first half is sent; every one arrives,
// verified, in order; the producers saw only acks. Then the same with the
// gateway killed (SIGKILL) twice while it delivers.

const (
	barEvents    = 10000
	barProducers = 32
	// The gateway signs with both (a rotation); the receiver knows only
	// the new one.
	barOldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	barNewSecret = "whsec_bmV3IHNlY3JldCwgdHdlbnR5LWZvdXIgYnl0ZXMgb3IgbW9yZQ=="
)

// barGateway is one run of the binary on the bar's configuration.
type barGateway = testkit.Process

func startBarGateway(t *testing.T, cfgPath string) *barGateway {
	t.Helper()
	return serveBinary(t, cfgPath, []string{"HOOK_SECRETS=" + barNewSecret + " " + barOldSecret})
}

// startBar runs the bar's gateway behind a front with no receiver yet;
// restart runs it again on the same configuration and outbox.
func startBar(t *testing.T) (front *barFront, g *barGateway, restart func() *barGateway) {
	t.Helper()
	schemagateBin.Path(t) // built (or skipped with -short) first
	whtest.Skip(t)
	front = startBarFront(t)
	dir := t.TempDir()
	cfg := writeBarConfig(t, dir, front.URL(), "outbox", "path: "+filepath.Join(dir, "outbox", "hook.db")+", sync: always, ", "")
	restart = func() *barGateway { return startBarGateway(t, cfg) }
	return front, restart(), restart
}

// writeBarConfig writes the bars' configuration into dir: person v1 goes
// to one webhook action at hookURL, signed with $HOOK_SECRETS, delivered
// by delivery (outbox or nats) with outboxKeys before its schedule, and
// rest (top-level keys) after the routes.
func writeBarConfig(t *testing.T, dir, hookURL, delivery, outboxKeys, rest string) string {
	t.Helper()
	// Short waits, so that the receiver's return is noticed at once, and
	// enough of them that no event runs out while it is down.
	schedule := "[0s" + strings.Repeat(", 200ms", 1000) + "]"
	cfg := fmt.Sprintf(`
schemas: {dir: %s}
handlers: []
actions:
  hook:
    kind: webhook
    url: %s/events
    timeout: 2s
    secrets: [env:HOOK_SECRETS]
    delivery: %s
    outbox: {%sschedule: %s}
routes:
  - {type: person, version: 1, actions: [hook]}
%s`, repoSchemas(t), hookURL, delivery, outboxKeys, schedule, rest)
	path := filepath.Join(dir, "config.yaml")
	testkit.WriteFile(t, path, []byte(cfg))
	return path
}

// produce sends events [from, to) of every producer, each producer one at
// a time over its own connection to one of addrs (producer p to
// addrs[p%len(addrs)]), and fails unless every reply is an ack.
func produce(t *testing.T, from, to int, addrs ...string) {
	t.Helper()
	errs := make(chan error, barProducers)
	var wg sync.WaitGroup
	for p := range barProducers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- produceOne(addrs[p%len(addrs)], p, from, to)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func produceOne(addr string, p, from, to int) error {
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		return err
	}
	defer c.Close()
	for j := from; j < to; j++ {
		if j%barProducers != p {
			continue
		}
		id := barID(p, j)
		_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if err := c.WriteMessage(websocket.TextMessage, []byte(personFrame(id))); err != nil {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, msg, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		var r hReply
		if json.Unmarshal(msg, &r) != nil || !r.OK || r.ID == nil || *r.ID != id {
			return fmt.Errorf("%s: the producer got %s, not an ack", id, msg)
		}
	}
	return nil
}

func barID(p, j int) string { return fmt.Sprintf("p%02d-%05d", p, j) }

// checkBar waits until every event arrived, then checks each was verified
// by the reference library and that each producer's events arrived in the
// order they were acknowledged (first arrivals: a crash may resend).
func checkBar(t *testing.T, recv *whtest.Receiver, total int) {
	t.Helper()
	first := map[string]bool{}
	got := recv.Wait(t, 3*time.Minute, "every event delivered", func(ds []whtest.Delivery) bool {
		for _, d := range ds {
			first[d.ID] = true
		}
		return len(first) >= total
	})
	last := map[int]int{}
	seen := map[string]bool{}
	dups := 0
	for _, d := range got {
		if !d.OK {
			t.Fatalf("the reference library refused %s: %s", d.ID, d.Error)
		}
		if seen[d.ID] {
			dups++
			continue
		}
		seen[d.ID] = true
		var p, j int
		if _, err := fmt.Sscanf(d.ID, "p%d-%d", &p, &j); err != nil {
			t.Fatalf("unexpected id %q", d.ID)
		}
		if prev, ok := last[p]; ok && j <= prev {
			t.Fatalf("producer %d: %s arrived after event %d", p, d.ID, prev)
		}
		last[p] = j
	}
	for p := range barProducers {
		for j := p; j < total; j += barProducers {
			if !seen[barID(p, j)] {
				t.Fatalf("%s was acknowledged and never delivered", barID(p, j))
			}
		}
	}
	t.Logf("%d events delivered and verified, %d resent", len(seen), dups)
}

func TestBarOutboxReceiverDownForHalf(t *testing.T) {
	front, g, _ := startBar(t)

	start := time.Now()
	produce(t, 0, barEvents/2, g.Addr) // the receiver is not even listening
	t.Logf("first half acknowledged with the receiver down in %v", time.Since(start).Round(time.Millisecond))
	recv := whtest.Start(t, 0, barNewSecret)
	front.up(recv.URL)
	produce(t, barEvents/2, barEvents, g.Addr)
	t.Logf("all acknowledged in %v", time.Since(start).Round(time.Millisecond))
	checkBar(t, recv, barEvents)
	t.Logf("all delivered in %v", time.Since(start).Round(time.Millisecond))
}

func TestBarOutboxSurvivesKill9DuringDelivery(t *testing.T) {
	front, g, restart := startBar(t)
	produce(t, 0, barEvents, g.Addr)

	recv := whtest.Start(t, 0, barNewSecret)
	front.up(recv.URL)
	for _, at := range []int{barEvents / 4, barEvents * 6 / 10} {
		recv.Wait(t, 2*time.Minute, fmt.Sprintf("%d deliveries", at), func(ds []whtest.Delivery) bool { return len(ds) >= at })
		g.Kill(t)
		t.Logf("killed with %d deliveries made", len(recv.Deliveries()))
		g = restart()
	}
	checkBar(t, recv, barEvents)
}
