//go:build unix

package bench

import (
	"syscall"
	"time"
)

// CPUTime is the CPU this process has used, user plus system, so a run can
// show the generator was not the bottleneck of a box it shares with the server.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
