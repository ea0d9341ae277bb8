package action

import (
	"cmp"
	"context"
	"encoding/binary"
	"hash/fnv"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// SvixSchedule is the default retry schedule: the waits before each
// attempt, the first immediate; eight attempts over about 27 hours.
func SvixSchedule() []time.Duration { return config.DefaultOutboxSchedule() }

// How an outbox orders deliveries.
const (
	// OrderEndpoint delivers one event at a time, in acknowledgement
	// order: a receiver that fails holds back every later event.
	OrderEndpoint = "endpoint"
	// OrderType keeps each event type's order, with Concurrency lanes
	// that do not wait for one another.
	OrderType = "type"
	// OrderNone spreads events over Concurrency lanes by id.
	OrderNone = "none"
)

// OutboxConfig configures a webhook delivered from an outbox.
type OutboxConfig struct {
	// Name names the endpoint in stats, metrics, logs and dead letters.
	Name string
	// Webhook is where and how to send: URL, Timeout (per attempt),
	// Headers, Secrets. Retries and Backoff do not apply: Schedule does.
	Webhook WebhookConfig
	// Path is the outbox file (bbolt), beside which the log segments
	// Path.log.N take acknowledged events; Sync and Interval are the file
	// action's policy for both (empty Sync means SyncAlways).
	Path     string
	Sync     SyncPolicy
	Interval time.Duration
	// MaxBytes bounds the bytes of the events kept (their log lines);
	// pending ones past it make Do fail with UNAVAILABLE, delivered ones
	// kept for replay make room.
	// Zero means 256 MiB.
	MaxBytes int64
	// SegmentBytes is the log segment size past which a new one starts;
	// zero means MaxBytes/4, at most 32 MiB.
	SegmentBytes int64
	// Schedule is the wait before each attempt; an event whose last
	// attempt fails goes to the dead letter. Empty means SvixSchedule.
	Schedule []time.Duration
	// Order is OrderEndpoint (default), OrderType or OrderNone, and
	// Concurrency the lanes of the latter two (default 4).
	Order       string
	Concurrency int
	// History is how long delivered events are kept for replay; zero
	// means 24 hours, negative means not at all.
	History time.Duration
	// DeadLetter, when set, also gets a line for each exhausted event.
	DeadLetter *DeadLetter
	// Observer, when set, hears every attempt.
	Observer OutboxObserver
	// Logger hears what no caller can: failures of the sender. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// OutboxObserver learns what the sender does, for metrics.
type OutboxObserver interface {
	// WebhookAttempt is one attempt: outcome is delivered, http_error,
	// unreachable, timeout or gone (410), took its duration.
	WebhookAttempt(endpoint, outcome string, took time.Duration)
	// WebhookDelivered is an event delivered, sinceAck after it was
	// acknowledged.
	WebhookDelivered(endpoint string, sinceAck time.Duration)
	// WebhookDead is an event whose schedule ran out.
	WebhookDead(endpoint string)
}

var _ Action = (*Outbox)(nil)

// Outbox is a webhook whose ack waits only until the event is durably in
// a local outbox; senders deliver it afterwards, retrying on the schedule,
// honouring Retry-After, and stopping at a 410 until Enable. An event is
// delivered at least once: a crash after the receiver's 2xx and before the
// outbox noted it sends it again, with the same webhook-id.
type Outbox struct {
	cfg  OutboxConfig
	post *poster
	db   *bolt.DB
	w    *opWriter
	log  *slog.Logger

	// logf is the log segment Do appends to; the ingester swaps it.
	logf       atomic.Pointer[File]
	ingestKick chan struct{} // capacity 1
	ingestStop chan struct{}
	ingestDone chan struct{}
	stopIngest sync.Once

	pending      atomic.Int64 // events in the lanes not yet settled
	pendingBytes atomic.Int64 // bytes of the batches in lanes
	reserved     atomic.Int64 // bytes of lines on their way into the log
	// logged and loggedEvents are what the log holds that the lanes do
	// not yet: Do adds once its line is in, the ingester takes away, so
	// either may dip below zero for a moment.
	logged       atomic.Int64
	loggedEvents atomic.Int64
	// moving is odd while the writer moves counts from logged to pending
	// (move), a sequence lock for readers that need the two to agree.
	moving       atomic.Int64
	historyBytes atomic.Int64

	// Only the writer goroutine touches these: the batches the current
	// commit is building, by lane, the bytes the commit's ingested
	// batches add, and when history was last pruned.
	building  map[int][]byte
	adding    int64
	lastPrune time.Time
	// pinned lists the log segments a batch points into, in order, as of
	// the last commit that changed them.
	pinned atomic.Pointer[[]uint64]

	lanes    []chan struct{} // wakes lane n's sender; capacity 1
	heads    []atomic.Int64  // lane n's head's ack time (unix ns), 0 when idle
	progress []progress      // lane n's progress, not yet in a commit

	mu          sync.Mutex
	disabled    string        // why, when a 410 stopped delivery
	enabled     chan struct{} // closed by Enable
	lastSuccess time.Time
	lastError   string
	lastErrorAt time.Time

	stop   context.CancelFunc
	ctx    context.Context
	sender sync.WaitGroup
	closed atomic.Bool

	// closing admits one Close at a time; shut and shutErr, guarded by
	// it, record that the store is closed and how that went, so a Close
	// that gave up leaves the rest to a later one.
	closing chan struct{}
	shut    bool
	shutErr error
}

// NewOutbox opens (or creates) the outbox file and starts its senders,
// which first deliver what a previous run left.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	cfg = cfg.withDefaults()
	p, err := newPoster(cfg.Webhook, &http.Client{})
	if err != nil {
		return nil, err
	}
	db, err := openStore(cfg.Path, cfg.Sync)
	if err != nil {
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot open the webhook outbox "+cfg.Path)
	}
	err = retireBehind(db, cfg.History)
	var sizes storeSizes
	if err == nil {
		sizes, err = measure(db)
	}
	if err != nil {
		db.Close()
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot read the webhook outbox "+cfg.Path)
	}
	o := &Outbox{cfg: cfg, post: p, db: db, log: cfg.Logger, disabled: sizes.disabled, enabled: make(chan struct{}),
		building: map[int][]byte{}, closing: make(chan struct{}, 1),
		ingestKick: make(chan struct{}, 1), ingestStop: make(chan struct{}), ingestDone: make(chan struct{})}
	o.pending.Store(sizes.pending)
	o.pendingBytes.Store(sizes.pendingBytes)
	o.historyBytes.Store(sizes.historyBytes)
	o.w = newOpWriter(db, cfg.Sync, cfg.Interval, o.log, o.endCommit)
	lanes := max(sizes.lanes, 1)
	if cfg.Order != OrderEndpoint {
		lanes = max(lanes, cfg.Concurrency)
	}
	o.ctx, o.stop = context.WithCancel(context.Background())
	o.post.own(o.ctx)
	o.heads = make([]atomic.Int64, lanes)
	o.progress = make([]progress, lanes)
	// Every lane's channel exists before any sender starts: senders read
	// the slice.
	o.lanes = make([]chan struct{}, lanes)
	for n := range o.lanes {
		o.lanes[n] = make(chan struct{}, 1)
	}
	if err := o.openLogs(); err != nil {
		o.w.close(context.Background())
		db.Close()
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot open the webhook outbox's log "+cfg.Path)
	}
	for n := range lanes {
		o.sender.Add(1)
		go o.runLane(n)
	}
	return o, nil
}

func (c OutboxConfig) withDefaults() OutboxConfig {
	c.Sync = cmp.Or(c.Sync, config.DefaultOutboxSync)
	c.Interval = config.OrDefault(c.Interval, config.DefaultFileInterval)
	c.MaxBytes = config.OrDefault(c.MaxBytes, config.DefaultOutboxMaxBytes)
	c.SegmentBytes = config.OrDefault(c.SegmentBytes, min(max(c.MaxBytes/4, 1), 32<<20))
	if len(c.Schedule) == 0 {
		c.Schedule = SvixSchedule()
	}
	c.Order = cmp.Or(c.Order, config.DefaultOutboxOrder)
	c.Concurrency = config.OrDefault(c.Concurrency, config.DefaultOutboxConcurrency)
	c.History = cmp.Or(c.History, config.DefaultOutboxHistory) // negative: keep none
	c.Logger = cmp.Or(c.Logger, slog.Default())
	return c
}

// laneOf is the lane an event waits in: the same for every event that
// must keep its order relative to it.
func (o *Outbox) laneOf(m message) int {
	if o.cfg.Order == OrderEndpoint || o.cfg.Concurrency <= 1 {
		return 0
	}
	h := fnv.New32a()
	if o.cfg.Order == OrderType {
		h.Write([]byte(m.Type))
	} else {
		h.Write([]byte(m.ID))
	}
	return int(h.Sum32() % uint32(o.cfg.Concurrency))
}

// Do appends ev to the outbox's log and returns nil once it is there as
// durably as the sync policy says. A full outbox is UNAVAILABLE: an ack it
// could not keep would be worse.
func (o *Outbox) Do(ctx context.Context, ev event.Event) error {
	if o.closed.Load() {
		return status.Unavailable(nil, "webhook outbox is closed")
	}
	line, err := eventLogLine(ev, time.Now())
	if err != nil {
		return err
	}
	size := int64(len(line))
	defer o.reserved.Add(-size)
	if o.reserved.Add(size)+max(o.logged.Load(), 0)+o.pendingBytes.Load() > o.cfg.MaxBytes {
		return status.Unavailable(nil, "webhook "+o.cfg.Name+": outbox full (max_bytes); try again later")
	}
	for {
		f := o.logf.Load()
		err := f.append(ctx, line)
		if err == nil {
			// Counted before the reservation ends, so the bound never
			// misses it; a line whose caller gave up is counted by no one
			// until the ingester takes it.
			o.logged.Add(size)
			o.loggedEvents.Add(1)
			select {
			case o.ingestKick <- struct{}{}:
			default:
			}
			return nil
		}
		// A segment closed under us by the ingester: the line is not in
		// it, so the new one takes it.
		if o.logf.Load() == f || o.closed.Load() {
			return err
		}
	}
}

func (o *Outbox) wake(lane int) {
	select {
	case o.lanes[lane] <- struct{}{}:
	default:
	}
}

// endCommit runs at the end of every commit: it stores the batches the
// commit's replayed events built, one value per lane, evicts history, and
// learns which log segments batches still point into.
func (o *Outbox) endCommit(tx *bolt.Tx) (func(), error) {
	added, ingested := int64(0), o.adding
	o.adding = 0
	for lane, batch := range o.building {
		if err := putBatch(tx, lane, batch); err != nil {
			return nil, err
		}
		added += int64(len(batch))
	}
	// The map's buffers now belong to the transaction; a failed commit
	// fails every op in it, so nothing is kept for a retry.
	clear(o.building)
	freed, err := o.evict(tx, added+ingested)
	if err != nil {
		return nil, err
	}
	pinned := pinnedSegments(tx)
	return func() {
		o.pendingBytes.Add(added)
		o.historyBytes.Add(-freed)
		if old := o.pinned.Load(); old == nil || !slices.Equal(*old, pinned) {
			o.pinned.Store(&pinned)
		}
	}, nil
}

// evict removes delivered batches older than History, and the oldest ones
// while the file holds more than MaxBytes; it returns the bytes freed.
func (o *Outbox) evict(tx *bolt.Tx, adding int64) (int64, error) {
	over := o.pendingBytes.Load() + adding + o.historyBytes.Load() - o.cfg.MaxBytes
	now := time.Now()
	byAge := o.cfg.History < 0 || now.Sub(o.lastPrune) > time.Minute
	if over <= 0 && !byAge {
		return 0, nil
	}
	if byAge {
		o.lastPrune = now
	}
	c := tx.Bucket(bucketHistory).Cursor()
	var freed int64
	for k, v := c.First(); k != nil; k, v = c.First() {
		if over-freed <= 0 && (!byAge || now.Sub(settledAt(v)) < o.cfg.History) {
			break
		}
		freed += historyBytes(v)
		if len(v) >= 8 {
			if err := pin(tx, v[8:], -1); err != nil {
				return 0, err
			}
		}
		if err := c.Delete(); err != nil {
			return 0, err
		}
	}
	return freed, nil
}

// settledAt reads a history value's settle time.
func settledAt(v []byte) time.Time {
	if len(v) < 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v)))
}

// Close stops the senders (an attempt in flight is abandoned and made
// again at the next start), commits what is queued, fsyncs and closes the
// file. Do after Close fails with UNAVAILABLE. A Close that returns early
// because ctx ended leaves the store open; call Close again to finish.
func (o *Outbox) Close(ctx context.Context) error {
	o.closed.Store(true)
	o.stop()
	select {
	case o.closing <- struct{}{}:
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "webhook outbox: another Close is still closing it")
	}
	defer func() { <-o.closing }()
	if o.shut {
		return o.shutErr
	}
	stopped := make(chan struct{})
	go func() { o.sender.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "webhook senders still stopping")
	}
	o.post.closeIdle()
	if err := o.closeLogs(ctx); err != nil {
		return err
	}
	if err := o.w.close(ctx); err != nil {
		return err
	}
	o.shut = true
	if err := o.db.Sync(); err != nil {
		o.db.Close()
		o.shutErr = status.Wrap(codes.DataLoss, err, "webhook outbox: the final fsync failed")
		return o.shutErr
	}
	o.shutErr = o.db.Close()
	return o.shutErr
}
