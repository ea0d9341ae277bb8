//go:build !unix

package report

import "time"

// cpuTime is unknown here; the benchmark leaves out its CPU metrics.
func cpuTime() time.Duration { return 0 }
