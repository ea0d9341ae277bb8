package natsbus

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsserver "github.com/nats-io/nats-server/v2/test"
	"github.com/schemagate/schemagate/internal/testkit"
)

// runCluster starts three NATS servers with JetStream as one cluster, as
// configs/nats-cluster.yaml expects, and waits until it has a meta leader.
func runCluster(t *testing.T) []*server.Server {
	t.Helper()
	ports := freePorts(t, 3)
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	nodes := make([]*server.Server, 3)
	for i := range nodes {
		opts := natsserver.DefaultTestOptions
		opts.Port, opts.ServerName = -1, fmt.Sprintf("n%d", i+1)
		opts.JetStream, opts.StoreDir = true, t.TempDir()
		opts.Cluster.Name, opts.Cluster.Host, opts.Cluster.Port = "sg", "127.0.0.1", ports[i]
		opts.Routes = routes
		nodes[i] = natsserver.RunServer(&opts)
		t.Cleanup(nodes[i].Shutdown)
	}
	testkit.WaitFor(t, 30*time.Second, "a JetStream meta leader", func() bool {
		for _, n := range nodes {
			if n.JetStreamIsLeader() {
				return true
			}
		}
		return false
	})
	return nodes
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// TestClusterLosesANode: with replicas 3, the stream leader's node going
// away costs at most a few UNAVAILABLE answers during the election; the
// refused events resent, every acked event is stored once.
func TestClusterLosesANode(t *testing.T) {
	if testing.Short() {
		t.Skip("a three-node cluster takes seconds to form")
	}
	nodes := runCluster(t)
	cfg := testConfig(nodes[0].ClientURL())
	cfg.Servers = []string{nodes[0].ClientURL(), nodes[1].ClientURL(), nodes[2].ClientURL()}
	cfg.Replicas, cfg.PublishTimeout = 3, 2*time.Second
	b := connect(t, cfg)
	testkit.WaitFor(t, 30*time.Second, "the replicated stream", func() bool { return b.Ready() == nil })
	p, ctx := b.Publisher(), context.Background()
	deliver := func(id string) int { // resends until acked; returns the refusals
		for refused := 0; refused < 100; refused++ {
			err := p.Do(ctx, testEvent(id))
			if err == nil {
				return refused
			}
			wantUnavailable(t, err)
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s never acked", id)
		return 0
	}
	for i := range 20 {
		deliver(fmt.Sprintf("a-%d", i))
	}
	stopped := false
	for _, n := range nodes {
		if !stopped && n.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, "EVENTS") {
			n.Shutdown()
			stopped = true
		}
	}
	if !stopped {
		t.Fatal("no node leads the stream")
	}
	refused := 0
	for i := range 20 {
		refused += deliver(fmt.Sprintf("b-%d", i))
	}
	t.Logf("%d UNAVAILABLE answers while the stream elected a new leader", refused)
	var alive *server.Server
	for _, n := range nodes {
		if n.Running() {
			alive = n
		}
	}
	if got := testkit.StoredIDs(t, alive.ClientURL(), "EVENTS"); len(got) != 40 {
		t.Fatalf("stored %d, want the 40 acked: %v", len(got), got)
	}
}
