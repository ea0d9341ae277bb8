package report

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// stdinName is how reports name standard input.
const stdinName = "<stdin>"

// readBufferSize is large enough that the array reader's byte-at-a-time
// scan and the line reader rarely refill.
const readBufferSize = 256 << 10

// source is one input: a file, or standard input when path is empty.
type source struct {
	name string // as reports show it: the path as given, or "<stdin>"
	path string
	size int64 // bytes on disk, for the progress bar; 0 when unknown
}

// collectSources expands the inputs into the files to read, in order:
// folders are walked in lexical order so that a report reads the same on
// every run. A missing input fails the whole call before anything is read,
// because a typo should not pass for a clean batch.
func collectSources(inputs []string, stdin io.Reader) ([]*source, error) {
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	var srcs []*source
	sawStdin := false
	for _, in := range inputs {
		if in == "-" {
			if stdin == nil || sawStdin {
				return nil, status.New(codes.InvalidArgument, `"-" (standard input) can be read once, and only when there is one`)
			}
			sawStdin = true
			srcs = append(srcs, &source{name: stdinName})
			continue
		}
		st, err := os.Stat(in)
		if err != nil {
			return nil, status.Newf(codes.NotFound, "input: %v", err)
		}
		if !st.IsDir() {
			srcs = append(srcs, &source{name: in, path: in, size: st.Size()})
			continue
		}
		found, err := walkInputs(in)
		if err != nil {
			return nil, status.Newf(codes.InvalidArgument, "input: %v", err)
		}
		if len(found) == 0 {
			// Zero events would pass as a clean batch; a folder with
			// nothing to read is far more likely the wrong folder.
			return nil, status.Newf(codes.NotFound, "input %s: no .json, .jsonl or .ndjson files (optionally .gz) in it", in)
		}
		srcs = append(srcs, found...)
	}
	return srcs, nil
}

// walkInputs lists the event files under dir. Only names that say JSON are
// read, so that a fixtures folder's README or schema drafts are not
// reported as thousands of malformed lines; hidden entries are left out.
func walkInputs(dir string) ([]*source, error) {
	var srcs []*source
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isInputName(d.Name()) {
			return nil
		}
		st, err := os.Stat(p) // follows a symlinked file; WalkDir does not
		if err != nil {
			return err
		}
		if st.Mode().IsRegular() {
			srcs = append(srcs, &source{name: p, path: p, size: st.Size()})
		}
		return nil
	})
	return srcs, err
}

func isInputName(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	for _, ext := range []string{".json", ".jsonl", ".ndjson"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// ioError marks a failure of the file or pipe itself, which ends the run,
// as opposed to bad content (a corrupt gzip stream), which is reported as a
// malformed record and the run goes on.
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }
func (e *ioError) Unwrap() error { return e.err }

// rawReader tags the underlying reader's errors as ioError and counts the
// bytes it delivers for the progress bar.
type rawReader struct {
	r    io.Reader
	prog *progress
}

func (r rawReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.prog.read(n)
	if err != nil && err != io.EOF {
		err = &ioError{err: err}
	}
	return n, err
}

// open returns the source's content, decompressed when it starts with the
// gzip magic bytes: names lie and standard input has none. A corrupt gzip
// header is a content error (not an ioError).
func (s *source) open(stdin io.Reader, prog *progress) (*bufio.Reader, func() error, error) {
	var r io.Reader = stdin
	closer := func() error { return nil }
	if s.path != "" {
		f, err := os.Open(s.path)
		if err != nil {
			return nil, nil, &ioError{err: err}
		}
		r, closer = f, f.Close
	}
	br := bufio.NewReaderSize(rawReader{r: r, prog: prog}, readBufferSize)
	magic, err := br.Peek(2)
	var ioe *ioError
	if errors.As(err, &ioe) {
		return nil, closer, ioe
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, closer, err
		}
		br = bufio.NewReaderSize(gz, readBufferSize)
	}
	return br, closer, nil
}
