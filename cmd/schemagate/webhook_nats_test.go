package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/whtest"
)

// With NATS, the stream is the webhook's outbox and one durable consumer,
// shared by every gateway, delivers it. Two gateways take events; one is
// killed for good mid-delivery and its data folder deleted; every
// acknowledged event still reaches the receiver, verified by the reference
// library, in order.
func TestNATSWebhookSurvivesALostGateway(t *testing.T) {
	bin := buildBinary(t)
	whtest.Skip(t)
	const total = 2000
	root := t.TempDir()
	// Every port is the kernel's choice, held from the start: NATS's by
	// the server, the receiver's by a front that relays to it once it is
	// up (a port picked, freed and reused later could be taken meanwhile).
	natsURL := runNATS(t, filepath.Join(root, "nats"), -1).ClientURL()
	front := startBarFront(t)
	schedule := "[0s" + strings.Repeat(", 200ms", 1000) + "]"
	gateway := func(name string) (*barGateway, string) {
		dir := filepath.Join(root, name)
		cfg := fmt.Sprintf(`
schemas: {dir: %s}
handlers: []
actions:
  hook:
    kind: webhook
    url: %s/events
    timeout: 1s
    secrets: [env:HOOK_SECRETS]
    delivery: nats
    outbox: {schedule: %s}
routes:
  - {type: person, version: 1, actions: [hook]}
dead_letter: {path: %s}
nats: {servers: ["%s"], stream: EVENTS, publish_timeout: 2s}
`, repoSchemas(t), front.URL(), schedule, filepath.Join(dir, "dead.ndjson"), natsURL)
		path := filepath.Join(dir, "config.yaml")
		testkit.WriteFile(t, path, []byte(cfg))
		return startBarGateway(t, bin, path), dir
	}
	a, aDir := gateway("a")
	b, _ := gateway("b")

	// Producers split over both gateways; the receiver is down meanwhile.
	errs := make(chan error, barProducers)
	var wg sync.WaitGroup
	for p := range barProducers {
		addr := a.Addr
		if p%2 == 1 {
			addr = b.Addr
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs <- produceOne(addr, p, 0, total) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	list, err := runCLI("webhooks", "--url", "http://"+b.Addr)
	if err != nil || !strings.Contains(lineOf(list, "hook "), fmt.Sprintf("nats      active  %d", total)) {
		t.Errorf("webhooks list before delivery: %v\n%s", err, list)
	}
	recv := whtest.Start(t, 0, barNewSecret)
	front.up(recv.URL)
	recv.Wait(t, 2*time.Minute, "a quarter delivered", func(ds []whtest.Delivery) bool { return len(ds) >= total/4 })
	a.Kill(t)
	if err := os.RemoveAll(aDir); err != nil {
		t.Fatal(err)
	}
	t.Logf("gateway a killed and its folder deleted with %d deliveries made", len(recv.Deliveries()))
	checkBar(t, recv, total)
}
