package ws

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// pollingServer is a test server whose readers poll for budget, counting
// the polls in the returned metrics.
func pollingServer(t *testing.T, budget time.Duration) (*testServer, *recMetrics) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("only Linux readers poll (readwait_linux.go)")
	}
	if runtime.GOMAXPROCS(0) < 2 { // a one-CPU machine: readers poll only with two Ps
		prev := runtime.GOMAXPROCS(2)
		t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	}
	m := &recMetrics{}
	return serverWith(t, func(o *Options) { o.BusyPoll, o.Metrics = budget, m }), m
}

// A client that answers at once has its next frame caught by the poll.
func TestBusyPollCatchesAQuickClient(t *testing.T) {
	ts, m := pollingServer(t, time.Hour)
	c := ts.dial(t, "/ws", nil)
	awaitPoll(t, ts, c)
	if r, raw := roundTrip(t, c, `{"id":"c","type":"echo","version":1,"data":1}`); !r.OK || r.ID == nil || *r.ID != "c" {
		t.Fatalf("reply: %s", raw)
	}
	// The poll counts its catch before the reader answers the frame.
	if got := m.caught.Load(); got < 1 {
		t.Errorf("caught %d polls (parked %d), want the one that read this frame", got, m.parked.Load())
	}
}

// awaitPoll sends frames until c's reader polls after a reply. Only a
// frame that came after its reader found the socket empty shows the
// client is quick: on a busy machine the client's next frame can be in
// the socket before the reader looks, every time, and then the reader
// has no wake-up to save. The pause while this looks for the poll lets
// the reader find it empty.
func awaitPoll(t *testing.T, ts *testServer, c *websocket.Conn) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; ; i++ {
		if r, raw := roundTrip(t, c, `{"id":"q","type":"echo","version":1,"data":1}`); !r.OK {
			t.Fatalf("frame %d: %s", i, raw)
		}
		for wait := time.Now().Add(20 * time.Millisecond); time.Now().Before(wait); time.Sleep(time.Millisecond) {
			if ts.ws.poll.taken.Load() {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reader did not poll after %d quick frames", i+1)
		}
	}
}

// A client that thinks between frames is polled for once, in vain, and
// then not at all: its frames still get their replies.
func TestBusyPollStopsForASlowClient(t *testing.T) {
	ts, m := pollingServer(t, 2*time.Millisecond) // quick: within 8 ms
	c := ts.dial(t, "/ws", nil)
	for i := range 4 {
		if i > 0 {
			time.Sleep(200 * time.Millisecond) // far slower than quick
		}
		if r, raw := roundTrip(t, c, `{"id":"s","type":"echo","version":1,"data":1}`); !r.OK {
			t.Fatalf("frame %d: %s", i, raw)
		}
	}
	// The first frame may or may not have come quickly enough after the
	// upgrade to make the next wait poll; none after a slow one does.
	if caught, parked := m.caught.Load(), m.parked.Load(); caught != 0 || parked > 1 {
		t.Errorf("polls caught %d, parked %d; want at most the one after the first frame, parked", caught, parked)
	}
}

func TestBusyPollerTakesOnlyWhenQuietAndFree(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	var inflight atomic.Int64
	p := &busyPoller{budget: time.Millisecond, epoch: time.Now(), inflight: &inflight}
	inflight.Store(10)
	if p.take() {
		t.Fatal("took the poll while a frame was in flight")
	}
	inflight.Store(0)
	if !p.take() {
		t.Fatal("could not take the poll of a quiet server")
	}
	if p.take() {
		t.Fatal("a second connection took the poll while the first held it")
	}
	p.release()
	if !p.take() {
		t.Fatal("the released poll could not be taken again")
	}
}

func TestPollStateQuickWithinFourBudgets(t *testing.T) {
	p := &busyPoller{budget: time.Millisecond, epoch: time.Now().Add(-time.Hour)}
	for _, tc := range []struct {
		waited time.Duration
		quick  bool
	}{{0, true}, {3 * time.Millisecond, true}, {time.Second, false}} {
		s := pollState{waitFrom: p.since() - int64(tc.waited)}
		s.arrived(p)
		if s.quick != tc.quick || s.waitFrom != 0 {
			t.Errorf("after %v: quick %v waitFrom %d, want quick %v and not waiting", tc.waited, s.quick, s.waitFrom, tc.quick)
		}
	}
	s := pollState{quick: true}
	s.arrived(p) // bytes were there at once: nothing was waited for
	if !s.quick {
		t.Error("a frame found without waiting made the connection slow")
	}
}

// A close decided while a reader polls (here Shutdown's 1001) ends the
// poll: deciding a close expires the read deadline so that a waiting
// reader returns at once (the package doc), and the runtime does not
// look at that deadline while RawConn.Read's callback runs. The budget
// is far beyond any test, so only that can end the poll in time.
func TestBusyPollEndsWhenACloseIsDecided(t *testing.T) {
	ts, _ := pollingServer(t, time.Hour)
	c := ts.dial(t, "/ws", nil)
	awaitPoll(t, ts, c)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ts.ws.Shutdown(ctx)
	}()
	if code, _ := expectClose(t, c); code != websocket.CloseGoingAway {
		t.Fatalf("closed with %d, want 1001", code)
	}
}

// With a single P no thread watches the network while a reader polls, so
// the poll cannot see other connections' frames coming (quiet stays true)
// and would hold them all up to its budget: it does not poll at all.
func TestBusyPollNeedsTwoPs(t *testing.T) {
	ts, m := pollingServer(t, time.Second)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	c := ts.dial(t, "/ws", nil)
	for i := range 5 {
		time.Sleep(time.Millisecond) // the reader finds the socket empty: the client is quick
		if r, raw := roundTrip(t, c, `{"id":"p","type":"echo","version":1,"data":1}`); !r.OK {
			t.Fatalf("frame %d: %s", i, raw)
		}
	}
	if caught, parked := m.caught.Load(), m.parked.Load(); caught != 0 || parked != 0 {
		t.Errorf("polls caught %d, parked %d with one P; want none", caught, parked)
	}
}
