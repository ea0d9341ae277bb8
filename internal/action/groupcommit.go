package action

import (
	"errors"
	"log/slog"
	"os"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// writer is the state only the writer goroutine touches, so none of it
// needs a lock.
type writer struct {
	f      *os.File
	policy SyncPolicy
	log    *slog.Logger
	// regular is false for a pipe or device (say /dev/stdout): there is
	// no size to cut back to and nothing to fsync.
	regular bool
	dirty   bool  // written since the last fsync
	cutTo   int64 // size to cut the file back to before the next write; -1 if none
	spare   []byte
	ticker  *time.Ticker // nil unless SyncInterval
}

// run is the writer goroutine: it commits batches as Do calls kick it,
// fsyncs on the ticker, and on Close commits the rest and closes the file.
func (f *File) run(w *writer) {
	defer close(f.done)
	var tick <-chan time.Time
	if w.ticker != nil {
		tick = w.ticker.C
	}
	for {
		select {
		case <-f.kick:
			f.flush(w)
		case <-tick:
			if err := w.syncIfDirty(); err != nil {
				w.log.Error("event file: background fsync failed; acknowledged events may not be durable",
					"path", w.f.Name(), "err", err)
			}
		case <-f.closing:
			// closed is set, so no line can join after this flush.
			f.flush(w)
			f.closeErr = w.close()
			return
		}
	}
}

// flush takes the batch being filled, commits it and wakes its waiters.
func (f *File) flush(w *writer) {
	f.mu.Lock()
	b := f.cur
	if len(b.buf) == 0 {
		f.mu.Unlock()
		return
	}
	f.cur = newBatch(w.spare)
	close(f.taken)
	f.taken = make(chan struct{})
	f.mu.Unlock()

	b.err = w.commit(b.buf)
	if b.err == nil && w.regular {
		f.end.Add(int64(len(b.buf)))
	}
	close(b.done)
	// Waiters read only err, so the buffer can carry the batch after next;
	// a buffer blown up by one huge line is left to the collector.
	if cap(b.buf) <= 4<<20 {
		w.spare = b.buf
	} else {
		w.spare = nil
	}
}

// commit writes buf, fsyncing under SyncAlways. On failure it cuts the
// file back to its size before the write, so no partial line survives.
func (w *writer) commit(buf []byte) error {
	if !w.regular {
		_, err := w.f.Write(buf)
		return err
	}
	if err := w.repair(); err != nil {
		return err
	}
	n, err := w.f.Write(buf)
	w.dirty = true
	if err == nil && w.policy == SyncAlways {
		err = w.sync()
	}
	if err != nil && n > 0 {
		w.cutBack(int64(n))
	}
	return err
}

// cutBack removes the n bytes a failed batch left at the end of the file.
// The size before the batch is learnt only now, from the file itself, so
// the path every successful batch takes costs no extra system call.
func (w *writer) cutBack(n int64) {
	fi, err := w.f.Stat()
	if err == nil {
		w.cutTo = max(fi.Size()-n, 0)
		err = w.repair()
	}
	if err != nil {
		w.log.Error("event file: cannot remove a failed batch yet; retrying before the next write",
			"path", w.f.Name(), "err", err)
	}
}

// repair cuts off a failed batch, if one is pending. Under SyncAlways the
// cut is fsynced, or a crash could bring the partial line back.
func (w *writer) repair() error {
	if w.cutTo < 0 {
		return nil
	}
	if err := w.f.Truncate(w.cutTo); err != nil {
		return err
	}
	w.dirty = true
	if w.policy == SyncAlways {
		if err := w.sync(); err != nil {
			return err
		}
	}
	w.cutTo = -1
	return nil
}

func (w *writer) sync() error {
	if err := w.f.Sync(); err != nil {
		return err
	}
	w.dirty = false
	return nil
}

func (w *writer) syncIfDirty() error {
	if !w.regular || !w.dirty {
		return nil
	}
	return w.sync()
}

// close fsyncs whatever the policy, since Close promises a flush, and
// releases the file.
func (w *writer) close() error {
	if w.ticker != nil {
		w.ticker.Stop()
	}
	var errs []error
	if w.regular {
		errs = append(errs, w.repair())
		errs = append(errs, w.syncIfDirty())
	}
	errs = append(errs, w.f.Close())
	if err := errors.Join(errs...); err != nil {
		return status.Wrap(codes.DataLoss, err,
			"event file: the final flush failed; events acknowledged since the last fsync may be lost")
	}
	return nil
}
