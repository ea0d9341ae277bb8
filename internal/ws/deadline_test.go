package ws

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
)

// gate is an action that holds each event until the test opens it, as a
// slow sink or a 10 MB frame under load holds the reader.
type gate struct {
	entered chan struct{}
	open    chan struct{}
}

func (g *gate) Do(context.Context, event.Event) error {
	g.entered <- struct{}{}
	<-g.open
	return nil
}

func (g *gate) Close(context.Context) error { return nil }

// TestReadDeadlineCountsFromTheAnswer: the peer's silence is counted from
// after the server answered, not from the frame's receipt, so a frame the
// server took long over does not eat the peer's idle budget. The frame is
// held past the deadline's slack after its receipt; once answered, the
// deadline (forgotten while it was held) must lie PongTimeout past the
// moment it was let go.
func TestReadDeadlineCountsFromTheAnswer(t *testing.T) {
	o := testOptions()
	o.PongTimeout = 5 * time.Second // its slack (a sixteenth) is waited out below
	g := &gate{entered: make(chan struct{}, 1), open: make(chan struct{})}
	ts := newGateway(t, o, "testdata/schemas", func(b *pipeline.Builder, _ *countingAction) {
		b.Route(pipeline.Route{Key: event.Key{Type: "person", Version: 1}, Actions: []pipeline.NamedAction{{Name: "gate", Action: g}}})
	})
	c := ts.dial(t, "/ws", nil)
	sc := onlyConn(t, ts.ws)
	frame := `{"id":"g1","type":"person","version":1,"data":{"name":"Ada","age":36,"city":"London"}}`
	if err := c.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.entered:
	case <-time.After(time.Minute):
		t.Fatal("the frame never reached its action")
	}
	entered := forgetReadDeadline(sc)
	slack := o.PongTimeout / deadlineSlack
	waitFor(t, time.Minute, func() bool { return time.Since(entered) > 2*slack })
	released := time.Now()
	close(g.open)
	_ = c.SetReadDeadline(time.Now().Add(time.Minute))
	if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"ok":true`) {
		t.Fatalf("reply %s, %v", msg, err)
	}
	waitFor(t, 10*time.Second, func() bool { return !readDeadline(sc).Before(released.Add(o.PongTimeout)) })
}

// TestBufferedFramesMarkActivity: frames found whole in the read buffer
// take their receipt from the reading after the previous answer; that
// reading still follows their arrival, so idle detection sees them.
func TestBufferedFramesMarkActivity(t *testing.T) {
	ts := newTestServer(t, testOptions())
	c := ts.dial(t, "/ws", nil)
	sc := onlyConn(t, ts.ws)
	frame := maskedFrame(websocket.TextMessage, []byte(`{"id":"b","type":"echo","version":1,"data":1}`))
	for round := range 3 {
		sent := time.Now()
		burst := append(append(append([]byte{}, frame...), frame...), frame...)
		if _, err := c.NetConn().Write(burst); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(time.Minute))
		for range 3 {
			if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"ok":true`) {
				t.Fatalf("round %d: %s, %v", round, msg, err)
			}
		}
		if last := time.Unix(0, sc.lastFrame.Load()); last.Before(sent) {
			t.Fatalf("round %d: last frame at %v, before the burst was sent at %v", round, last, sent)
		}
	}
}

// TestFrameClockRebases: a reading derives the wall time from a base no
// older than rebaseEvery, and readings never go back.
func TestFrameClockRebases(t *testing.T) {
	k := newFrameClock(time.Now().Add(-2 * rebaseEvery))
	first := k.read()
	if !k.base.Equal(first) || !k.last.Equal(first) {
		t.Fatalf("a base %v old was kept: base %v, reading %v", 2*rebaseEvery, k.base, first)
	}
	prev := first
	for range 100 {
		r := k.read()
		if r.Before(prev) || !k.last.Equal(r) {
			t.Fatalf("reading %v after %v (last %v)", r, prev, k.last)
		}
		prev = r
	}
}

// deadlineRecorder is the connection beneath a lifecycle, keeping the read
// deadlines set on it.
type deadlineRecorder struct{ set []time.Time }

func (r *deadlineRecorder) SetReadDeadline(t time.Time) error {
	r.set = append(r.set, t)
	return nil
}

// TestExtendKeepsTheSlack: extend moves the read deadline only once the
// peer's due time passes it, and then a slack beyond; a decided close
// keeps it expired. The readings are made up, so nothing here is timed.
func TestExtendKeepsTheSlack(t *testing.T) {
	const d = 16 * time.Second
	slack := d / deadlineSlack
	r := &deadlineRecorder{}
	t0 := time.Now()
	l := &lifecycle{nc: r, origin: t0.Add(-time.Minute)}
	steps := []struct {
		at   time.Duration // the reading, after t0
		want time.Duration // the deadline then in force, after t0
	}{
		{0, d + slack},                     // none yet
		{slack / 2, d + slack},             // still a timeout or more away
		{slack, d + slack},                 // due exactly at the deadline
		{slack + 1, slack + 1 + d + slack}, // due past it
	}
	for i, s := range steps {
		l.extend(t0.Add(s.at), d)
		if got := deadlineOf(l).Sub(t0); got != s.want || !r.set[len(r.set)-1].Equal(deadlineOf(l)) {
			t.Fatalf("step %d: deadline %v after t0, want %v (set %v)", i, got, s.want, r.set)
		}
	}
	if len(r.set) != 2 {
		t.Fatalf("the deadline was set %d times, want 2", len(r.set))
	}
	l.decide(closeMsg{code: websocket.CloseGoingAway})
	n := len(r.set)
	l.extend(t0.Add(time.Hour), d)
	if len(r.set) != n {
		t.Fatalf("a decided close's deadline was moved to %v", r.set[n:])
	}
}
