package action

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The outbox file is a bbolt database: crash-safe transactions (a
// copy-on-write B+tree with a double-buffered meta page) and ordered keys,
// so the outbox is a store made for the job rather than a new format.
// Its buckets:
//
//	lane/<n>   seq → entry: events not yet delivered, in arrival order
//	history    seq → entry: delivered events, kept for replay, oldest
//	           evicted first when the file would pass max_bytes
//	dead       seq → entry: events whose schedule ran out
//	meta       "disabled" → reason: set by a 410 until an operator enables
var (
	bucketHistory = []byte("history")
	bucketDead    = []byte("dead")
	bucketMeta    = []byte("meta")
	keyDisabled   = []byte("disabled")
)

func laneBucket(n int) []byte { return []byte("lane/" + strconv.Itoa(n)) }

// entry is one event in the outbox, with what happened to it.
type entry struct {
	Msg       message   `json:"msg"`
	Enqueued  time.Time `json:"enqueued"`
	Attempts  []attempt `json:"attempts,omitempty"`
	NextAt    time.Time `json:"next_at,omitzero"`
	Delivered time.Time `json:"delivered,omitzero"`
}

// attempt is one try at delivering an entry, as the dead letter shows it.
type attempt struct {
	At    time.Time `json:"at"`
	Code  int       `json:"code,omitempty"`
	Error string    `json:"error,omitempty"`
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func keySeq(k []byte) uint64 { return binary.BigEndian.Uint64(k) }

// openStore opens (or creates) the outbox file. NoSync is set for the
// policies that do not fsync on commit; SyncInterval then calls db.Sync on
// a ticker. Either way a commit has been written to the kernel before it
// returns, so an ack survives the gateway's crash.
func openStore(path string, policy SyncPolicy) (*bolt.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        time.Second, // another gateway holds it: say so rather than hang
		NoFreelistSync: true,        // rebuilt at open; one write less per commit
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%s is in use by another process", path)
	}
	if err != nil {
		return nil, err
	}
	db.NoSync = policy != SyncAlways
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketHistory, bucketDead, bucketMeta, laneBucket(0)} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// storeSizes is what the outbox holds, learnt at open.
type storeSizes struct {
	lanes        int // lane buckets present, at least one
	pending      int64
	pendingBytes int64
	historyBytes int64
	disabled     string
}

func measure(db *bolt.DB) (storeSizes, error) {
	var s storeSizes
	err := db.View(func(tx *bolt.Tx) error {
		for n := 0; ; n++ {
			b := tx.Bucket(laneBucket(n))
			if b == nil {
				s.lanes = max(n, 1)
				break
			}
			_ = b.ForEach(func(_, v []byte) error {
				s.pending++
				s.pendingBytes += int64(len(v))
				return nil
			})
		}
		_ = tx.Bucket(bucketHistory).ForEach(func(_, v []byte) error {
			s.historyBytes += int64(len(v))
			return nil
		})
		s.disabled = string(tx.Bucket(bucketMeta).Get(keyDisabled))
		return nil
	})
	return s, err
}

// put appends e to bucket b under its next sequence number.
func put(b *bolt.Bucket, e *entry) (int, error) {
	v, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return len(v), b.Put(seqKey(seq), v)
}

// peek returns up to n entries of lane after seq, in order.
func peek(db *bolt.DB, lane int, after uint64, n int) ([]uint64, []entry, error) {
	var seqs []uint64
	var out []entry
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(laneBucket(lane))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && len(out) < n; k, v = c.Next() {
			var e entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("outbox entry %d of lane %d: %w", keySeq(k), lane, err)
			}
			seqs, out = append(seqs, keySeq(k)), append(out, e)
		}
		return nil
	})
	return seqs, out, err
}
