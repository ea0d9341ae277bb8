package testkit

import "sync"

// Concurrently runs f(0) to f(n-1), each in a goroutine of its own, and
// returns once every one has returned: n clients at the same time.
func Concurrently(n int, f func(g int)) {
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() { f(g) })
	}
	wg.Wait()
}
