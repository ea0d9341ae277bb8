//go:build !race

// The race detector makes every frame bigger, and an idle reader's stack
// 4 KB whatever the code: this check runs without it (scripts/test.sh).

package ws

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// An idle connection costs its reader's stack and nothing more: a
// goroutine's first 2 KB, as long as the reader's deepest moment (handing
// its deadline to the runtime's poller, when it starts and at a pong)
// fits in it. A frame or two more on that path doubles every idle
// connection's stack to 4 KB, which is most of what the idle-memory
// target leaves (BenchmarkIdleConn reports the whole cost). Stacks freed
// by a run are reused by the next, so only a process's first run measures
// (-count=1).
func TestIdleReaderStackStaysSmall(t *testing.T) {
	const n = 200
	o := testOptions()
	o.MaxConnections = n + 10
	o.PongTimeout = 16 * time.Second // no connection times out while 200 are dialled on a loaded machine
	o.PingInterval = time.Hour
	ts := newTestServer(t, o)
	addr := strings.TrimPrefix(ts.URL, "http://")
	before := stackInUse()
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i], _ = rawDial(t, addr, "/ws")
		t.Cleanup(func() { conns[i].Close() })
	}
	waitFor(t, 30*time.Second, func() bool { return ts.ws.Connections() == n })
	// Once the deadline's slack has run out, a pong's extension hands
	// the runtime's poller a new deadline.
	time.Sleep(o.PongTimeout/deadlineSlack + 100*time.Millisecond)
	for _, c := range conns {
		if _, err := c.Write(maskedFrame(websocket.PongMessage, nil)); err != nil {
			t.Fatal(err)
		}
	}
	// Each pong is read once its connection's deadline has moved past the
	// one set at the start (PongTimeout and the slack after it).
	first := o.PongTimeout + o.PongTimeout/deadlineSlack + 500*time.Millisecond
	waitFor(t, 30*time.Second, func() bool {
		ts.ws.mu.Lock()
		defer ts.ws.mu.Unlock()
		for c := range ts.ws.conns {
			if deadlineOf(&c.life).Sub(c.life.origin) <= first {
				return false
			}
		}
		return true
	})
	if per := (stackInUse() - before) / n; per > 3<<10 {
		t.Errorf("an idle connection holds %d bytes of stacks, want a 2 KB reader's", per)
	}
}

func stackInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.StackInuse)
}
