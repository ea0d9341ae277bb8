package certs

import (
	"context"
	"log/slog"
	"time"
)

// Watch re-reads the files every interval until ctx ends: polling, not
// file events, because Kubernetes rotates a mounted Secret by swapping a
// symlink that event watchers lose track of. A failed read is logged once
// per distinct error and the served identity stays.
func (s *Source) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		swapped, err := s.Reload()
		switch {
		case err != nil && err.Error() != lastErr:
			lastErr = err.Error()
			logger.Warn("tls: certificate not reloaded; still serving the previous one", "err", err)
		case swapped:
			lastErr = ""
			leaf := s.Leaf()
			logger.Info("tls: certificate reloaded", "subject", leaf.Subject.String(),
				"serial", leaf.SerialNumber.String(), "not_after", leaf.NotAfter)
		}
	}
}
