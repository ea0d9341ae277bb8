package testkit

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// GOGC is the collector's setting in force.
func GOGC() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// SteadyHeap is the load under which the heap floor applies (see
// internal/heapfloor), until done closes: 8 MiB kept live, and garbage
// allocated steadily beside it, each piece over the 64 KB an unused make
// may take on the stack.
func SteadyHeap(done <-chan struct{}) {
	live := make([]byte, 8<<20)
	for {
		select {
		case <-done:
			runtime.KeepAlive(live)
			return
		default:
		}
		for range 16 {
			_ = make([]byte, 80<<10)
		}
		time.Sleep(time.Millisecond)
	}
}
