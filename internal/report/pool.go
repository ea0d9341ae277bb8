package report

import (
	"context"
	"sync"
)

// windowPerWorker bounds how far reading may run ahead of reporting: the
// queues, the workers and the reorder buffer together never hold more than
// this many records per worker, whatever one slow record holds up. It is
// what keeps memory flat on a file of any size.
const windowPerWorker = 64

// runPool reads every source, checks the records on o.Workers goroutines
// and calls emit with each result in input order, on the caller's
// goroutine; emit returning false stops the run. The error is the reader's,
// or the context's when it was cancelled.
func runPool(parent context.Context, o *Options, srcs []*source, prog *progress, emit func(*result) bool) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	window := o.Workers * windowPerWorker
	tokens := make(chan struct{}, window)
	jobs := make(chan record, o.Workers)
	results := make(chan result, o.Workers)
	readErr := startReader(ctx, &reader{o: o, prog: prog}, srcs, tokens, jobs)
	startWorkers(o.Workers, newChecker(o), jobs, results)
	finished := reorder(ctx, results, tokens, emit)
	if !finished {
		// Stopped early or interrupted: let the workers finish into the
		// void rather than wait here for a reader that may be blocked on a
		// slow pipe.
		cancel()
		go func() {
			for range results {
			}
		}()
	}
	if err := parent.Err(); err != nil {
		return err
	}
	if !finished {
		return nil
	}
	return <-readErr
}

// startReader reads on its own goroutine, taking a window token before
// each record, and closes jobs when done; the channel returns its error.
func startReader(ctx context.Context, rd *reader, srcs []*source, tokens chan<- struct{}, jobs chan<- record) <-chan error {
	errc := make(chan error, 1)
	rd.send = func(rec record) bool {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case jobs <- rec:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(jobs)
		errc <- rd.all(srcs)
	}()
	return errc
}

func startWorkers(n int, c *checker, jobs <-chan record, results chan<- result) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for rec := range jobs {
				results <- c.check(rec)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
}

// reorder hands results to emit in sequence order. They arrive in any
// order, but none is ever a full window ahead of the next one due, because
// its token is only returned once it has been emitted; so a ring of the
// window's size holds every early arrival. It reports whether the results
// ran out, as opposed to emit stopping or the context ending.
func reorder(ctx context.Context, results <-chan result, tokens <-chan struct{}, emit func(*result) bool) bool {
	n := int64(cap(tokens))
	ring := make([]result, n)
	have := make([]bool, n)
	var next int64
	for {
		select {
		case <-ctx.Done():
			return false
		case r, ok := <-results:
			if !ok {
				return true
			}
			ring[r.seq%n], have[r.seq%n] = r, true
			for i := next % n; have[i]; i = next % n {
				<-tokens
				next++
				ok := emit(&ring[i])
				ring[i], have[i] = result{}, false // drop its details now
				if !ok {
					return false
				}
			}
		}
	}
}
