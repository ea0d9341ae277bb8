package action

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// SyncPolicy says how durable a line is when the file sink acknowledges it.
type SyncPolicy string

const (
	// SyncAlways fsyncs a batch before any event in it is acknowledged, so
	// an ack survives a power cut. Events that arrive while one fsync runs
	// share the next one (group commit).
	SyncAlways SyncPolicy = "always"
	// SyncInterval acknowledges once the line has been handed to the kernel
	// with write(2) and fsyncs every Interval: an ack survives a crash of
	// the gateway, but a crash of the machine can lose up to an interval.
	SyncInterval SyncPolicy = "interval"
	// SyncNever acknowledges after write(2) and leaves flushing to the OS
	// (and to Close).
	SyncNever SyncPolicy = "never"
)

// FileConfig configures the file sink and the dead letter.
type FileConfig struct {
	// Path is the file to append to; it is created if missing. The sink
	// must be its only writer. To rotate, Close the sink, move the file and
	// open a new sink: a copytruncate rotation loses the lines written
	// between its copy and its truncate, acknowledged ones included.
	Path string
	// Sync is the durability policy; empty means config.DefaultFileSync.
	Sync SyncPolicy
	// Interval is SyncInterval's period; zero means one second.
	Interval time.Duration
	// Mode is the permission of a newly created file; zero means 0600,
	// since events may carry personal data.
	Mode os.FileMode
	// MaxBatch bounds the bytes queued for the writer (one more batch may
	// be in the writer's hands); Do waits, within its ctx, while the queue
	// is full. Zero means 1 MiB. A line longer than MaxBatch is still
	// accepted, alone in its batch. It also bounds how much of an
	// incomplete last line NewFile cuts: a longer unterminated tail means
	// the file is not one this sink wrote, and NewFile refuses it.
	MaxBatch int
	// Logger hears failures that no Do call can report, such as a failed
	// background fsync under SyncInterval. Nil means slog.Default().
	Logger *slog.Logger
}

// withDefaults fills in zero values and rejects what cannot work.
func (c FileConfig) withDefaults() (FileConfig, error) {
	if c.Path == "" {
		return c, status.New(codes.InvalidArgument, "file action: path is empty")
	}
	switch c.Sync {
	case "":
		c.Sync = SyncPolicy(config.DefaultFileSync)
	case SyncAlways, SyncInterval, SyncNever:
	default:
		return c, status.Newf(codes.InvalidArgument, "file action: sync %q is not one of always, interval, never", c.Sync)
	}
	if c.Interval <= 0 {
		c.Interval = config.DefaultFileInterval
	}
	if c.Mode == 0 {
		c.Mode = config.DefaultFileMode
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = config.DefaultFileMaxBatch
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

var _ Action = (*File)(nil)

// File appends each event as one NDJSON line:
//
//	{"id":"…","type":"…","version":1,"received":"<RFC 3339, UTC, ns>","data":{…}}
//
// One goroutine owns the file. Do queues its line and waits for the batch
// it joined; the writer writes a whole batch with one write(2) and, under
// SyncAlways, one fsync, then wakes all its waiters with the batch's result.
// A batch that fails (ENOSPC, EIO) is cut off the file again, so the file
// only ever holds complete lines, and every waiter gets UNAVAILABLE; later
// batches try afresh, so events flow again once the disk has room.
type File struct {
	maxBatch int

	writerLoop               // done: the writer has flushed, synced and closed the file
	cur        *batch        // lines waiting for the writer, guarded by mu
	taken      chan struct{} // closed when the writer takes cur, to wake Do calls waiting for room
	closeErr   error         // written by the writer before done is closed

	// end is how many bytes of a regular file hold lines written as the
	// policy demands, so a reader (the outbox's ingester) never reads a
	// batch that may yet be cut off again.
	end atomic.Int64
}

// batch is the lines the writer writes at once and, after done is closed,
// the outcome every one of them shares.
type batch struct {
	buf  []byte
	done chan struct{}
	err  error
}

func newBatch(buf []byte) *batch {
	return &batch{buf: buf[:0], done: make(chan struct{})}
}

// NewFile opens (or creates) cfg.Path for appending and starts its writer.
// A file whose last line is incomplete, because a crash cut a batch short,
// is first cut back to its last complete line.
func NewFile(cfg FileConfig) (*File, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	w, err := openWriter(cfg)
	if err != nil {
		return nil, err
	}
	f := &File{maxBatch: cfg.MaxBatch, cur: newBatch(nil), taken: make(chan struct{})}
	f.writerLoop.init()
	if w.regular {
		fi, err := w.f.Stat()
		if err != nil {
			w.close()
			return nil, status.Wrap(codes.FailedPrecondition, err, "cannot read the size of "+cfg.Path)
		}
		f.end.Store(fi.Size())
	}
	go f.run(w)
	return f, nil
}

// written is the offset up to which the file holds committed lines.
func (f *File) written() int64 { return f.end.Load() }

// Do appends ev as a line and returns nil once it is written as the policy
// demands. If ctx ends first, Do returns UNAVAILABLE but the line stays
// queued and may still be written: the client got no ack, and a resend is
// a duplicate that consumers drop by id.
func (f *File) Do(ctx context.Context, ev event.Event) error {
	line, err := EncodeRecord(ev)
	if err != nil {
		return err
	}
	return f.append(ctx, line)
}

// append queues one complete line and waits for its batch.
func (f *File) append(ctx context.Context, line []byte) error {
	if err := ctx.Err(); err != nil {
		return status.Unavailable(err, "gave up before the event was written")
	}
	b, err := f.enqueue(ctx, line)
	if err != nil {
		return err
	}
	select {
	case <-b.done:
		if b.err != nil {
			// A fresh error per waiter: callers may annotate theirs.
			return status.Unavailable(b.err, "could not write the event; try again")
		}
		return nil
	case <-ctx.Done():
		return status.Unavailable(ctx.Err(), "gave up waiting for the event to be written")
	}
}

// enqueue adds line to the batch being filled, waiting while it is full.
func (f *File) enqueue(ctx context.Context, line []byte) (*batch, error) {
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return nil, status.Unavailable(nil, "event file is closed")
		}
		b := f.cur
		if len(b.buf) == 0 || len(b.buf)+len(line) <= f.maxBatch {
			b.buf = append(b.buf, line...)
			f.mu.Unlock()
			f.wake()
			return b, nil
		}
		taken := f.taken
		f.mu.Unlock()
		select {
		case <-taken:
		case <-ctx.Done():
			return nil, status.Unavailable(ctx.Err(), "event file queue is full")
		}
	}
}

// Close writes what is queued, fsyncs (whatever the policy), closes the
// file and stops the writer. Later Do calls fail with UNAVAILABLE. If ctx
// ends first, Close returns UNAVAILABLE and the writer finishes on its own;
// calling Close again waits for it anew. The error reports a failed final
// write, fsync or close.
func (f *File) Close(ctx context.Context) error {
	if err := f.stop(ctx, "event file still flushing"); err != nil {
		return err
	}
	return f.closeErr
}
