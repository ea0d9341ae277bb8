//go:build !unix

package bench

import "time"

// CPUTime is unknown off unix; ClientCPU then reads 0.
func CPUTime() time.Duration { return 0 }
