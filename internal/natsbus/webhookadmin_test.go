package natsbus

import (
	"context"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/testkit"
)

// The bbolt outbox's operations, on the stream: a 410 disables the
// endpoint for every gateway (a second one, started after, delivers
// nothing) and keeps the event; Enable resumes it; Replay sends again
// from the stream's history, by time or by id; Stats shows the state and
// the shared backlog.
func TestWebhookGoneEnableReplay(t *testing.T) {
	recv := testkit.StartHook(t, true)
	s := natstest.Run(t, t.TempDir(), -1)
	hook := func(b *Bus, timeout time.Duration) *Webhook {
		w := b.Webhook(WebhookConfig{Name: "hook", URL: recv.URL, Sender: newSender(t, recv.URL), Timeout: timeout,
			Schedule: []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond}})
		t.Cleanup(func() { _ = w.Close(context.Background()) })
		return w
	}
	ctx := context.Background()
	a := hook(connect(t, testConfig(s.ClientURL())), 5*time.Second)
	for _, id := range []string{"e1", "e2"} {
		if err := a.Do(ctx, testEvent(id)); err != nil {
			t.Fatal(err)
		}
	}
	testkit.WaitFor(t, 30*time.Second, "disabled by the 410", func() bool { st, err := a.Stats(ctx); return err == nil && st.Disabled != "" })

	recv.SetGone(false)
	// Two more gateways start while it is disabled: b with another
	// timeout updates the consumer, c with the same settings binds it.
	b := hook(connect(t, testConfig(s.ClientURL())), 6*time.Second)
	hook(connect(t, testConfig(s.ClientURL())), 6*time.Second)
	// All three asking for messages, so done with the consumer's settings
	// before Enable: were the endpoint enabled, one would get e1 now.
	testkit.WaitFor(t, 30*time.Second, "three gateways pulling", func() bool {
		info, err := b.info(ctx)
		return err == nil && info.NumWaiting >= 3
	})
	st, err := b.Stats(ctx)
	if err != nil || st.Disabled == "" || st.Backlog != 2 || st.Oldest.IsZero() || len(recv.Delivered()) != 0 {
		t.Fatalf("a second gateway while disabled: %+v %v, delivered %v", st, err, recv.Delivered())
	}
	if was, err := b.Enable(ctx); err != nil || !was {
		t.Fatalf("Enable: %v %v", was, err)
	}
	testkit.WaitFor(t, 30*time.Second, "both delivered once enabled", func() bool { return len(recv.Delivered()) == 2 })
	if got := recv.Delivered(); got[0] != "e1" || got[1] != "e2" {
		t.Fatalf("delivered %v", got)
	}
	testkit.WaitFor(t, 30*time.Second, "backlog drained", func() bool { st, err := a.Stats(ctx); return err == nil && st.Backlog == 0 && st.Disabled == "" })
	if was, err := a.Enable(ctx); err != nil || was {
		t.Fatalf("Enable when enabled: %v %v", was, err)
	}

	n, err := a.Replay(ctx, time.Time{}, "e2")
	if err != nil || n != 1 {
		t.Fatalf("Replay by id: %d %v", n, err)
	}
	testkit.WaitFor(t, 30*time.Second, "e2 again", func() bool { return len(recv.Delivered()) == 3 })
	n, err = b.Replay(ctx, time.Now().Add(-time.Minute), "")
	if err != nil || n != 2 {
		t.Fatalf("Replay since: %d %v", n, err) // e1 and e2, once each though e2 is stored twice
	}
	testkit.WaitFor(t, 30*time.Second, "both again", func() bool { return len(recv.Delivered()) == 5 })
	if n, err := a.Replay(ctx, time.Now().Add(time.Hour), ""); err != nil || n != 0 {
		t.Fatalf("Replay from the future: %d %v", n, err)
	}
}
