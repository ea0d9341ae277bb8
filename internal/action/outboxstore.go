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
//
// The events themselves stay in the log (outboxlog.go); the file holds
// where they are and what happened to them. Each ingester transaction
// gives a lane one value, a batch, pointing at the lines it took for that
// lane, so bbolt costs one key per transaction rather than one per event.
// Its buckets:
//
//	lane/<n>   batch seq → batch: events not yet all delivered, in order
//	cursor     lane → (batch, index): every event before it is settled
//	heads      (lane, batch, index) → entry: a head's failed attempts, so
//	           a restart keeps its schedule
//	history    seq → settle time + batch: delivered batches kept for
//	           replay, the oldest evicted first past max_bytes or history
//	dead       seq → entry: events whose schedule ran out, with attempts
//	meta       "disabled" → reason: set by a 410 until an operator enables;
//	           "log" → the ingester's cursor in the log (outboxlog.go)
//	pins       segment → how many batches above point into it
//	           (outboxrefs.go)
//
// A batch is either a reference batch, pointing at its events' lines in
// the log (what the ingester writes), or whole entries (what Replay
// writes); outboxrefs.go tells them apart.
var (
	bucketCursor  = []byte("cursor")
	bucketHeads   = []byte("heads")
	bucketHistory = []byte("history")
	bucketDead    = []byte("dead")
	bucketMeta    = []byte("meta")
	bucketPins    = []byte("pins")
	keyDisabled   = []byte("disabled")
)

func laneBucket(n int) []byte { return []byte("lane/" + strconv.Itoa(n)) }

// entry is one event in the outbox, with what happened to it.
type entry struct {
	Msg      message   `json:"msg"`
	Enqueued time.Time `json:"enqueued"`
	Attempts []Attempt `json:"attempts,omitempty"`
	NextAt   time.Time `json:"next_at,omitzero"`
}

// Attempt is one try at delivering an entry, as the dead letter shows it.
type Attempt struct {
	At    time.Time `json:"at"`
	Code  int       `json:"code,omitempty"`
	Error string    `json:"error,omitempty"`
}

// pos is a place in a lane: an event of a batch.
type pos struct {
	batch uint64
	idx   int
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func keySeq(k []byte) uint64 { return binary.BigEndian.Uint64(k) }

func laneKey(n int) []byte { return seqKey(uint64(n)) }

func headKey(n int, p pos) []byte {
	k := make([]byte, 20)
	binary.BigEndian.PutUint32(k, uint32(n))
	binary.BigEndian.PutUint64(k[4:], p.batch)
	binary.BigEndian.PutUint64(k[12:], uint64(p.idx))
	return k
}

func encodePos(p pos) []byte {
	v := make([]byte, 16)
	binary.BigEndian.PutUint64(v, p.batch)
	binary.BigEndian.PutUint64(v[8:], uint64(p.idx))
	return v
}

func decodePos(v []byte) pos {
	if len(v) != 16 {
		return pos{}
	}
	return pos{batch: binary.BigEndian.Uint64(v), idx: int(binary.BigEndian.Uint64(v[8:]))}
}

// appendEntry adds one encoded entry to a batch: its length, then it.
func appendEntry(batch, e []byte) []byte {
	batch = binary.AppendUvarint(batch, uint64(len(e)))
	return append(batch, e...)
}

// splitBatch returns a batch's entries, still encoded.
func splitBatch(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return nil, errors.New("truncated outbox batch")
		}
		out = append(out, b[w:w+int(n)])
		b = b[w+int(n):]
	}
	return out, nil
}

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
		for _, b := range [][]byte{bucketCursor, bucketHeads, bucketHistory, bucketDead, bucketMeta, bucketPins, laneBucket(0)} {
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

// retireBehind retires every lane batch below its lane's cursor: every
// event in it is settled. Only an earlier version left one there (a
// failed commit lost the retirement while the cursor went on), pinning
// its segment and counted as pending for good.
func retireBehind(db *bolt.DB, history time.Duration) error {
	return db.Update(func(tx *bolt.Tx) error {
		cursors := tx.Bucket(bucketCursor)
		for n := 0; ; n++ {
			b := tx.Bucket(laneBucket(n))
			if b == nil {
				return nil
			}
			cur := decodePos(cursors.Get(laneKey(n)))
			var behind []uint64
			c := b.Cursor()
			for k, _ := c.First(); k != nil && keySeq(k) < cur.batch; k, _ = c.Next() {
				behind = append(behind, keySeq(k))
			}
			for _, seq := range behind {
				if _, _, err := moveToHistory(tx, n, seq, history); err != nil {
					return err
				}
			}
		}
	})
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
		cursors := tx.Bucket(bucketCursor)
		for n := 0; ; n++ {
			b := tx.Bucket(laneBucket(n))
			if b == nil {
				s.lanes = max(n, 1)
				break
			}
			cur := decodePos(cursors.Get(laneKey(n)))
			err := b.ForEach(func(k, v []byte) error {
				n, err := batchLen(v)
				if err != nil {
					return err
				}
				s.pendingBytes += batchBytes(v)
				switch seq := keySeq(k); {
				case seq > cur.batch:
					s.pending += int64(n)
				case seq == cur.batch:
					s.pending += int64(max(n-cur.idx, 0))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		_ = tx.Bucket(bucketHistory).ForEach(func(_, v []byte) error {
			s.historyBytes += historyBytes(v)
			return nil
		})
		s.disabled = string(tx.Bucket(bucketMeta).Get(keyDisabled))
		return nil
	})
	return s, err
}

// putEntry appends e to bucket b under its next sequence number.
func putEntry(b *bolt.Bucket, e *entry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(seqKey(seq), v)
}

// loadBatch reads the first batch of lane at or after from: its seq, its
// events (in memory of their own; lines says they are log lines), the
// head's attempts when idx is where the lane left off, and the lines its
// segment no longer holds.
func loadBatch(db *bolt.DB, base string, lane int, from pos) (pos, [][]byte, bool, *entry, lost, error) {
	var at pos
	var v []byte
	var head *entry
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(laneBucket(lane))
		if b == nil {
			return nil
		}
		k, bv := b.Cursor().Seek(seqKey(from.batch))
		if k == nil {
			return nil
		}
		at = pos{batch: keySeq(k)}
		if at.batch == from.batch {
			at.idx = from.idx
		}
		v = append([]byte(nil), bv...)
		if hv := tx.Bucket(bucketHeads).Get(headKey(lane, at)); hv != nil {
			var e entry
			if json.Unmarshal(hv, &e) == nil {
				head = &e
			}
		}
		return nil
	})
	if err != nil || v == nil {
		return at, nil, false, head, lost{}, err
	}
	// Read after the transaction: the batch stays in the lane (and its
	// segment on disk) until this lane's sender retires it.
	es, lines, gone, err := readBatch(base, v)
	if err != nil {
		return at, nil, false, nil, lost{}, fmt.Errorf("outbox batch %d of lane %d: %w", at.batch, lane, err)
	}
	if es == nil {
		es = [][]byte{} // an empty batch is still a batch, to retire
	}
	return at, es, lines, head, gone, nil
}

// encodeEntry is how a batch holds a fresh event: the ack time (unix ns),
// id, type and version, then the body, with no JSON to write on the ack
// path beyond the body itself.
func encodeEntry(m message, enqueued time.Time) []byte {
	b := make([]byte, 0, 8+3*binary.MaxVarintLen64+len(m.ID)+len(m.Type)+len(m.Body))
	b = binary.BigEndian.AppendUint64(b, uint64(enqueued.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(m.ID)))
	b = append(b, m.ID...)
	b = binary.AppendUvarint(b, uint64(len(m.Type)))
	b = append(b, m.Type...)
	b = binary.AppendUvarint(b, uint64(m.Version))
	return append(b, m.Body...)
}

// decodeEntry reads what encodeEntry wrote. The body aliases b: every
// caller either owns b (the sender's batch is its own copy) or is done
// with the entry before b's transaction ends.
func decodeEntry(b []byte) (entry, error) {
	bad := errors.New("malformed outbox entry")
	if len(b) < 8 {
		return entry{}, bad
	}
	e := entry{Enqueued: time.Unix(0, int64(binary.BigEndian.Uint64(b))).UTC()}
	b = b[8:]
	str := func() (string, bool) {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return "", false
		}
		s := string(b[w : w+int(n)])
		b = b[w+int(n):]
		return s, true
	}
	var ok bool
	if e.Msg.ID, ok = str(); !ok {
		return entry{}, bad
	}
	if e.Msg.Type, ok = str(); !ok {
		return entry{}, bad
	}
	v, w := binary.Uvarint(b)
	if w <= 0 {
		return entry{}, bad
	}
	e.Msg.Version, e.Msg.Body = int(v), b[w:len(b):len(b)]
	return e, nil
}
