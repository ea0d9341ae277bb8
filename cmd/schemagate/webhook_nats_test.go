package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/whtest"
)

// With NATS, the stream is the webhook's outbox and one durable consumer,
// shared by every gateway, delivers it. Two gateways take events; one is
// killed for good mid-delivery and its data folder deleted; every
// acknowledged event still reaches the receiver, verified by the reference
// library, in order.
func TestNATSWebhookSurvivesALostGateway(t *testing.T) {
	schemagateBin.Path(t) // built (or skipped with -short) before NATS starts
	whtest.Skip(t)
	const total = 2000
	root := t.TempDir()
	// Every port is the kernel's choice, held from the start: NATS's by
	// the server, the receiver's by a front that relays to it once it is
	// up (a port picked, freed and reused later could be taken meanwhile).
	natsURL := natstest.Run(t, filepath.Join(root, "nats"), -1).ClientURL()
	front := startBarFront(t)
	gateway := func(name string) (*barGateway, string) {
		dir := filepath.Join(root, name)
		rest := "dead_letter: {path: " + filepath.Join(dir, "dead.ndjson") + "}\n" +
			`nats: {servers: ["` + natsURL + `"], stream: EVENTS, publish_timeout: 2s}` + "\n"
		return startBarGateway(t, writeBarConfig(t, dir, front.URL(), "nats", "", rest)), dir
	}
	a, aDir := gateway("a")
	b, _ := gateway("b")

	// Producers split over both gateways; the receiver is down meanwhile.
	produce(t, 0, total, a.Addr, b.Addr)

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
