package server

import (
	"context"
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// onHangup reloads on SIGHUP (systemctl reload, docker kill --signal=HUP,
// kill -HUP). It subscribes before it returns, so no signal sent after
// READY=1 is missed, and SIGHUP never kills the gateway.
func (a *app) onHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				a.reload(ctx, "SIGHUP")
			}
		}
	}()
}

// reloadHTTP is POST /v1/admin/reload.
func (a *app) reloadHTTP(ctx context.Context) (any, bool) {
	rep := a.reload(ctx, "POST /v1/admin/reload")
	return rep, rep.Applied
}

// watch reloads, with reload.watch, when the configuration file or the
// schema tree changed: their checksum is taken every reload.interval.
// Polling, because a Kubernetes ConfigMap changes by swapping a symlink,
// which file-event watchers lose track of. A refused reload is not retried
// until the files change again. The first checksum is taken before watch
// returns, so a change made once the gateway is up is never taken for the
// starting state.
func (a *app) watch(ctx context.Context) {
	if !a.cfg.Reload.Watch {
		return
	}
	last := a.checksum()
	go a.poll(ctx, last)
}

func (a *app) poll(ctx context.Context, last [sha256.Size]byte) {
	t := time.NewTicker(a.cfg.Reload.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if sum := a.checksum(); sum != last {
			last = sum
			a.reload(ctx, "watch")
		}
	}
}

// checksum covers the configuration file and every file, folder and link
// under the schema tree in force, by name and content.
func (a *app) checksum() [sha256.Size]byte {
	h := sha256.New()
	if path := a.reloads.file; path != "" {
		hashFile(h, path)
	}
	if root, err := filepath.EvalSymlinks(a.gen.Load().cfg.Schemas.Dir); err == nil {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			_, _ = io.WriteString(h, p+"\x00"+d.Type().String()+"\x00")
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				_, _ = io.WriteString(h, target)
			case d.Type().IsRegular():
				hashFile(h, p)
			}
			return nil
		})
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func hashFile(w io.Writer, path string) {
	f, err := os.Open(path)
	if err != nil {
		_, _ = io.WriteString(w, "missing:"+path)
		return
	}
	defer f.Close()
	_, _ = io.Copy(w, f)
}
