package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// memoryInputBytes is the size of the generated input: far more than the
// heap may grow to, so holding the input, its results or its report in
// memory would show.
const memoryInputBytes = 200 << 20

// maxHeapInuse is the bound on the heap while checking that input.
const maxHeapInuse = 64 << 20

// TestMemoryFlat checks a ~200 MB file with every result streamed out as
// JSON, sampling the heap while it runs: memory must stay flat, bounded by
// the worker window, not by the input. Most lines are large but cheap to
// check (echo accepts anything), so the test spends its time reading
// bytes, not in the validator; one in eight is a failing person.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 200 MB file; skipped with -short")
	}
	path, lines := writeLargeInput(t)
	o := Options{Registry: fixtureRegistry(t), Inputs: []string{path}, Format: FormatJSON, Stream: true}

	runtime.GC()
	stop, peak := sampleHeap()
	start := time.Now()
	sum, err := Run(context.Background(), o, io.Discard)
	stop()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events (%d MB) in %v; peak HeapInuse %.1f MB", sum.Read, memoryInputBytes>>20, time.Since(start).Round(time.Millisecond), float64(*peak)/(1<<20))
	if sum.Read != lines || sum.Invalid != lines/8 {
		t.Fatalf("read %d (invalid %d), want %d (invalid %d)", sum.Read, sum.Invalid, lines, lines/8)
	}
	if *peak > maxHeapInuse {
		t.Fatalf("peak HeapInuse %d MB, want under %d MB: memory grows with the input", *peak>>20, maxHeapInuse>>20)
	}
}

// sampleHeap records the highest HeapInuse every few milliseconds until
// stop is called.
func sampleHeap() (stop func(), peak *uint64) {
	peak = new(uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }, peak
}

func writeLargeInput(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "large.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	payload := strings.Repeat("schemagate ", 380) // ~4 KB per echo line
	written, lines := 0, 0
	for written < memoryInputBytes {
		var n int
		if lines%8 == 7 {
			n, _ = fmt.Fprintf(w, `{"id":"p-%d","type":"person","version":1,"data":{"name":"n","age":-%d,"city":"c"}}`+"\n", lines, lines)
		} else {
			n, _ = fmt.Fprintf(w, `{"id":"e-%d","type":"echo","version":1,"data":{"seq":%d,"text":"%s","list":[1,2,3]}}`+"\n", lines, lines, payload)
		}
		written += n
		lines++
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, lines
}
