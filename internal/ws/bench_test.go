package ws

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/bench/benchtest"
)

// BenchmarkReplies drives a real server over loopback with the load
// generator (64 connections, 16 frames in flight each) and reports the
// replies per second: the coalesced writes and the reader's inline replies
// show here.
func BenchmarkReplies(b *testing.B) {
	ts := newTestServer(b, testOptions())
	benchtest.Replies(b, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", "../bench/testdata/valid.ndjson")
}

// BenchmarkIdleConn opens idle connections with hand-made handshakes (no
// client goroutines, so what grows is the server's) and reports what each
// costs in heap and stacks, after a ping and its pong, as a connection
// ends up after its first ping interval.
func BenchmarkIdleConn(b *testing.B) {
	const n = 2000
	o := testOptions()
	o.MaxConnections = n + 10
	ts := newTestServer(b, o)
	addr := strings.TrimPrefix(ts.URL, "http://")
	before := inUse()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, _ := rawDial(b, addr, "/ws")
		conns = append(conns, c)
	}
	waitFor(b, 30*time.Second, func() bool { return ts.ws.Connections() == n })
	pong := maskedFrame(websocket.PongMessage, nil)
	for _, c := range conns { // a pong, as after a ping
		if _, err := c.Write(pong); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(writerLinger + 300*time.Millisecond)
	after := inUse()
	b.ReportMetric(float64(after-before)/n, "B/conn")
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}
