package action

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// DeadLetterConfig is the dead letter's file, and the cap that keeps a
// flood of rejected frames from filling the disk the event files share.
type DeadLetterConfig struct {
	FileConfig
	// MaxBytes bounds the dead letter on disk: the file and one rotated
	// generation, <path>.1, each at most half. When the file would pass
	// its half it becomes <path>.1 and the previous <path>.1, with its
	// records, is dropped. Zero: no cap.
	MaxBytes int64
	// Dropped, when set, hears how many records were dropped: a rotated
	// generation deleted, or a record larger than half of MaxBytes.
	Dropped func(records int)
}

// capped is the dead letter's file and what rotating it needs. Appends
// hold mu shared; a rotation holds it alone, so no append is in flight
// while the file is swapped.
type capped struct {
	cfg  DeadLetterConfig
	mu   sync.RWMutex
	f    *File
	size atomic.Int64 // bytes in the current file, reserved before written
}

func openCapped(cfg DeadLetterConfig) (*capped, error) {
	if cfg.Dropped == nil {
		cfg.Dropped = func(int) {}
	}
	c := &capped{cfg: cfg}
	return c, c.open()
}

func (c *capped) open() error {
	f, err := NewFile(c.cfg.FileConfig)
	if err != nil {
		return err
	}
	var size int64
	if fi, err := os.Stat(c.cfg.Path); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	c.f = f
	c.size.Store(size)
	return nil
}

// append writes line unless it would pass the cap, rotating first when
// the current file is full.
func (c *capped) append(ctx context.Context, line []byte) error {
	n := int64(len(line))
	half := c.cfg.MaxBytes / 2
	if c.cfg.MaxBytes > 0 && n > half {
		c.cfg.Dropped(1)
		return nil
	}
	for {
		c.mu.RLock()
		if c.cfg.MaxBytes <= 0 || c.size.Add(n) <= half {
			err := c.f.append(ctx, line)
			c.mu.RUnlock()
			return err
		}
		c.size.Add(-n)
		c.mu.RUnlock()
		if err := c.rotate(ctx, n); err != nil {
			c.cfg.Dropped(1)
			return err
		}
	}
}

// rotate makes the current file <path>.1, unless another append rotated
// already and there is room for n bytes now.
func (c *capped) rotate(ctx context.Context, n int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size.Load()+n <= c.cfg.MaxBytes/2 {
		return nil
	}
	if err := c.f.Close(ctx); err != nil {
		return err
	}
	old := c.cfg.Path + ".1"
	if lines, err := countLines(old); err == nil && lines > 0 {
		c.cfg.Dropped(lines)
	}
	if err := os.Rename(c.cfg.Path, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errors.Join(err, c.open()) // keep writing where it was
	}
	return c.open()
}

func (c *capped) close(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.f.Close(ctx)
}

// countLines counts the records in a dead letter file.
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	lines := 0
	for {
		k, err := f.Read(buf)
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}
