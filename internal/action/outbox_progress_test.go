package action

import (
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// pinCount is how many segments the outbox's batches still point into.
func pinCount(t *testing.T, o *Outbox) int {
	t.Helper()
	var n int
	if err := o.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketPins).Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// A commit that fails (ENOSPC, EIO) while it carries a lane's retired
// batch loses nothing: the lane's next commit retires it, so its segment
// is no longer pinned once everything is delivered.
func TestOutboxFailedCommitKeepsRetirement(t *testing.T) {
	var fail atomic.Bool
	h, srv := startHook(t, func(id string, n int) (int, string) {
		if id == "x-002" {
			fail.Store(true)
		}
		return http.StatusNoContent, ""
	})
	o := openOutbox(t, OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db"),
		SegmentBytes: 400, History: -1, Schedule: []time.Duration{0}})
	defer closeOK(t, o)
	// The commit to fail that retired the lane's batch: the lane is
	// empty inside it.
	var lost atomic.Bool
	after := o.w.after
	o.w.after = func(tx *bolt.Tx) (func(), error) {
		if fail.Load() {
			if k, _ := tx.Bucket(laneBucket(0)).Cursor().First(); k == nil {
				lost.Store(true)
			}
			return nil, errors.New("injected: no space left on device")
		}
		return after(tx)
	}
	sendN(t, o, "x", 3)
	waitFor(t, "the retiring commit failed", lost.Load)
	fail.Store(false)
	sendN(t, o, "y", 30)
	waitFor(t, "everything delivered and no segment pinned", func() bool {
		return len(h.delivered()) == 33 && o.Stats().Backlog == 0 && pinCount(t, o) == 0
	})
}

// A batch below its lane's cursor (left by a failed commit of an earlier
// version) is retired at start: not pending, not pinning its segment.
func TestOutboxStartRetiresBatchesBehindCursor(t *testing.T) {
	h, srv := startHook(t, nil)
	cfg := OutboxConfig{Webhook: WebhookConfig{URL: srv.URL}, Path: filepath.Join(t.TempDir(), "o.db"),
		History: -1, Schedule: []time.Duration{0}}
	o := openOutbox(t, cfg)
	sendN(t, o, "x", 3)
	waitFor(t, "x delivered", func() bool { return len(h.delivered()) == 3 && o.Stats().Backlog == 0 })
	closeOK(t, o)
	db, err := openStore(cfg.Path, SyncAlways)
	if err != nil {
		t.Fatal(err)
	}
	var leaked refBuilder
	leaked.add(1, span{off: 0, n: 10})
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(laneBucket(0)).Put(seqKey(0), leaked.b); err != nil {
			return err
		}
		return pin(tx, leaked.b, 1)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	o = openOutbox(t, cfg)
	defer closeOK(t, o)
	if st := o.Stats(); st.Backlog != 0 || st.BacklogBytes != 0 || pinCount(t, o) != 0 {
		t.Fatalf("after restart: backlog %d (%d bytes), %d segments pinned; want none", st.Backlog, st.BacklogBytes, pinCount(t, o))
	}
}
