package validate

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// filesPerCompiler is the least work worth a compiler of its own: each
// one parses every file of the tree before it compiles its share.
const filesPerCompiler = 50

// outcome is one file's compilation.
type outcome struct {
	schema *jsonschema.Schema
	err    error
}

// compileAll compiles every file on as many compilers as there are CPUs.
// A compiler is not safe for concurrent use, and most of start-up goes to
// checking each document against its metaschema, which splits cleanly;
// each compiler knows every file, so cross-file $refs resolve in each. The
// problems are those of adding the files, reported once.
func compileAll(files []*file, draft *jsonschema.Draft, assertFormat bool,
	load func(string) (io.ReadCloser, error)) ([]outcome, []Problem) {
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i] = translatePatterns(f.data)
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(files)/filesPerCompiler))
	out := make([]outcome, len(files))
	added := make([][]Problem, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			c := newCompiler(draft, assertFormat)
			c.LoadURL = load
			for i, f := range files {
				if err := c.AddResource(f.url, bytes.NewReader(data[i])); err != nil {
					added[w] = append(added[w], Problem{File: f.rel, Err: cleanErr(err)})
				}
			}
			for i := w; i < len(files); i += workers {
				s, err := c.Compile(files[i].url)
				out[i] = outcome{s, err}
			}
		})
	}
	wg.Wait()
	return out, added[0]
}
