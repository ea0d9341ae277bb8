package validate

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// filesPerWorker is the least work worth a goroutine of its own: a
// compiler compiles the shared definitions it meets once for itself.
const filesPerWorker = 50

// ballastPerByte sizes the ballast Load holds while it compiles, per byte
// of the tree's files. jsonschema/v5's metaschema check leaves about 230
// bytes of short-lived garbage per byte of schema, while the live heap (the
// compiled schemas) grows slowly, so the collector's default pacing runs a
// cycle every few megabytes: about a quarter of start-up's CPU on 1,000
// schemas. A pointer-free ballast raises the heap goal while Load runs and
// costs the collector no marking; at start-up its pages come fresh from the
// OS and are never touched, so it is not resident. What is resident is the
// garbage allowed to wait longer: the peak RSS of compiling 1,000 order
// schemas grows from about 135 MB to about 185 MB, and falls back as the
// heap is collected and scavenged after start-up. The heap goal is the
// process's, so while Load runs everything else collects less often too;
// unlike setting GOGC, nothing has to be put back afterwards, so
// concurrent Loads cannot leave the process with the wrong setting, and
// the effect ends with the call.
const ballastPerByte = 40

func ballast(files []*file) []byte {
	n := 0
	for _, f := range files {
		n += len(f.data)
	}
	return make([]byte, n*ballastPerByte)
}

// outcome is one file's compilation, and the fast path of an event schema.
type outcome struct {
	schema *jsonschema.Schema
	fast   *fastNode
	err    error
}

// compileAll compiles every file, and builds each event schema's fast
// path, on one compiler per CPU. A compiler is not safe for concurrent use,
// and most of start-up goes to the library checking each document against
// its metaschema, which splits cleanly. A compiler reads a document only
// when it first needs it (through load, which serves the tree's own files
// first, as the compiler's resources would), so no document is parsed and
// checked by every compiler.
func compileAll(files []*file, draft *jsonschema.Draft, assertFormat bool,
	load func(string) (io.ReadCloser, error)) []outcome {
	out := make([]outcome, len(files))
	parallel(len(files), func() func(int) {
		var c *jsonschema.Compiler
		return func(i int) {
			if c == nil {
				c = newCompiler(draft, assertFormat)
				c.LoadURL = load
			}
			out[i] = compileOne(c, files[i])
			if out[i].err != nil {
				// A document that failed its metaschema check stays in the
				// compiler half set up, and the next $ref to it panics in
				// the library: the next file gets a fresh compiler.
				c = nil
			}
		}
	})
	return out
}

// compileOne compiles f, and builds its fast path if it is an event schema.
// A panic in the library becomes f's problem rather than a crash that
// names no file.
func compileOne(c *jsonschema.Compiler, f *file) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{err: fmt.Errorf("the schema compiler failed on this file: %v", r)}
		}
	}()
	s, err := c.Compile(f.url)
	if err != nil {
		return outcome{err: err}
	}
	o = outcome{schema: s}
	if f.key != nil {
		o.fast = buildFast(s)
	}
	return o
}

// parallel calls do(i) for every i below items, on as many goroutines as
// there are CPUs (fewer when there are not filesPerWorker items for each);
// each goroutine gets its do from worker. Items are taken one at a time
// rather than dealt out in advance, so a core the box lends to other work
// does not hold the rest back.
func parallel(items int, worker func() (do func(i int))) {
	workers := max(1, min(runtime.GOMAXPROCS(0), items/filesPerWorker))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			do := worker()
			for i := int(next.Add(1) - 1); i < items; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}
