package bench

import (
	"context"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// waitFor allows 5s: the server sees opens and closes a moment after the
// client does.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.WaitFor(t, 5*time.Second, what, cond)
}

func TestIdleHoldsAndCloses(t *testing.T) {
	ts := &testServer{reply: acceptAll}
	url := ts.start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	closeAll, err := Idle(ctx, url, 100)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "100 open conns", func() bool { return ts.open.Load() == 100 })
	closeAll()
	closeAll() // a second call is harmless
	waitFor(t, "all conns closed", func() bool { return ts.open.Load() == 0 })
}

func TestIdleFailsClean(t *testing.T) {
	ts := &testServer{reply: acceptAll}
	url := ts.start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := Idle(ctx, url+"-nope", 3); err == nil {
		t.Error("dial of a wrong path succeeded")
	}
	if _, err := Idle(ctx, "http://127.0.0.1:1/ws", 3); err == nil {
		t.Error("http url accepted")
	}
	if _, err := Idle(ctx, url, -1); err == nil {
		t.Error("negative count accepted")
	}
	waitFor(t, "no conns left open", func() bool { return ts.open.Load() == 0 })
}
