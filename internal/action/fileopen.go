package action

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// openWriter opens cfg.Path for appending and leaves it ending in a
// complete line.
func openWriter(cfg FileConfig) (*writer, error) {
	// A fresh deployment has no data folder yet; making it here keeps the
	// shipped configuration runnable on a clean checkout.
	if err := os.MkdirAll(filepath.Dir(cfg.Path), dirMode(cfg.Mode)); err != nil {
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot create the folder of "+cfg.Path)
	}
	_, statErr := os.Stat(cfg.Path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(cfg.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, cfg.Mode)
	if err != nil {
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot open the event file "+cfg.Path)
	}
	w := &writer{f: f, policy: cfg.Sync, log: cfg.Logger, cutTo: -1}
	if err := w.prepare(cfg, created); err != nil {
		f.Close()
		return nil, status.Wrap(codes.FailedPrecondition, err, "cannot prepare the event file "+cfg.Path)
	}
	if cfg.Sync == SyncInterval && w.regular {
		w.ticker = time.NewTicker(cfg.Interval)
	}
	return w, nil
}

// dirMode is the mode of a folder made for files of mode m: whoever may
// read the files may enter the folder, nobody else (0600 gives 0700).
func dirMode(m os.FileMode) os.FileMode {
	return m | (m&0o444)>>2 | 0o700
}

// prepare learns what kind of file w holds, cuts a torn last line and
// makes a new file's directory entry durable.
func (w *writer) prepare(cfg FileConfig, created bool) error {
	fi, err := w.f.Stat()
	if err != nil {
		return err
	}
	w.regular = fi.Mode().IsRegular()
	if !w.regular {
		return nil
	}
	if err := w.trimTornTail(fi.Size(), int64(cfg.MaxBatch)); err != nil {
		return err
	}
	if created && cfg.Sync != SyncNever {
		// fsync of the file alone does not make its name durable.
		return syncDir(filepath.Dir(cfg.Path))
	}
	return nil
}

// trimTornTail cuts the file back to its last complete line. Only a crash
// mid-batch leaves an incomplete one, and no event in that batch was
// acknowledged under SyncAlways. The fragment can be no longer than one
// batch, so a longer one means this is not our file: refuse to touch it.
func (w *writer) trimTornTail(size, maxBatch int64) error {
	if size == 0 {
		return nil
	}
	r, err := os.Open(w.f.Name())
	if err != nil {
		return err
	}
	defer r.Close()
	end, err := lastLineEnd(r, size, maxBatch)
	if err != nil || end == size {
		return err
	}
	if end < 0 {
		return fmt.Errorf("its last %d bytes hold no line end; not an NDJSON file this gateway wrote", maxBatch)
	}
	w.cutTo = end
	return w.repair()
}

// lastLineEnd returns the offset just past the last "\n" among r's first
// size bytes, looking no further back than limit bytes: -1 if there is none
// there, 0 if the file is that short and has none at all.
func lastLineEnd(r io.ReaderAt, size, limit int64) (int64, error) {
	floor := max(size-limit, 0)
	buf := make([]byte, 64<<10)
	for end := size; end > floor; {
		start := max(end-int64(len(buf)), floor)
		chunk := buf[:end-start]
		if _, err := r.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	if floor > 0 {
		return -1, nil
	}
	return 0, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
