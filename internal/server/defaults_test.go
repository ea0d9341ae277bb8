package server

import (
	"testing"

	"github.com/schemagate/schemagate/internal/config"
)

// The NATS settings reach the bus as configured: a value the bus had to
// make up would be a default that configs/schemagate.yaml cannot
// document.
func TestNATSSettingsReachTheBus(t *testing.T) {
	n := config.Default().NATS
	n.PublishTimeout, n.ReconnectWait = 3*n.PublishTimeout, 3*n.ReconnectWait
	got := natsConfig(n)
	if got.PublishTimeout != n.PublishTimeout || got.ReconnectWait != n.ReconnectWait {
		t.Fatalf("publish_timeout %v reconnect_wait %v reached the bus as %v and %v",
			n.PublishTimeout, n.ReconnectWait, got.PublishTimeout, got.ReconnectWait)
	}
}
