package report

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// record is one unit of input with where it came from: a line, an array
// element, or a whole pretty-printed document.
type record struct {
	seq     int64
	src     *source
	line    int
	data    []byte
	problem string // the bytes could not be cut out as a value: malformed without parsing
	blank   bool   // a whitespace-only line: counted, never checked
}

// cutter yields one source's records in order; io.EOF ends it.
type cutter interface {
	next() (record, error)
	// reached is the line reading has got to, for a failure that cuts the
	// source short.
	reached() int
}

// reader feeds the pool: every source in order, every record numbered.
type reader struct {
	o    *Options
	prog *progress
	seq  int64
	send func(record) bool // false: stop reading
}

// all reads the sources until the end or until send says stop.
func (rd *reader) all(srcs []*source) error {
	for _, s := range srcs {
		more, err := rd.source(s)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func (rd *reader) source(s *source) (bool, error) {
	br, closeFn, err := s.open(rd.o.Stdin, rd.prog)
	if closeFn != nil {
		defer func() { _ = closeFn() }() // read-only: a failed close loses nothing
	}
	if err != nil {
		return rd.broken(s, 1, err)
	}
	c := newCutter(br, s, rd.o.Type != "", rd.o.MaxRecordBytes)
	for {
		rec, err := c.next()
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return rd.broken(s, c.reached(), err)
		}
		if !rd.emit(rec) {
			return false, nil
		}
	}
}

func (rd *reader) emit(rec record) bool {
	rec.seq = rd.seq
	rd.seq++
	return rd.send(rec)
}

// broken ends a source whose content cannot be read on, such as a corrupt
// gzip stream: one malformed record says where and why, and the run goes
// on with the next source. A failing file or pipe ends the run instead.
func (rd *reader) broken(s *source, line int, err error) (bool, error) {
	var ioe *ioError
	if errors.As(err, &ioe) {
		return false, status.Wrap(codes.Unavailable, ioe.err, "reading "+s.name+" failed")
	}
	rec := record{src: s, line: line, problem: "the input cannot be read on: " + err.Error() + "; the rest of it was not read"}
	return rd.emit(rec), nil
}

// newCutter picks how to cut a source by its first bytes: a JSON array
// element by element, a pretty-printed envelope (a first line that is only
// "{") as one document, anything else line by line. Bare data is always
// line by line, because an array is a valid datum.
func newCutter(br *bufio.Reader, src *source, bare bool, max int) cutter {
	skipBOM(br)
	if !bare {
		switch first, line, alone := peekStart(br); {
		case first == '[':
			return &arrayCutter{a: arrayReader{br: br, max: max, line: 1}, src: src}
		case first == '{' && alone:
			return &documentCutter{br: br, src: src, max: max, line: line}
		}
	}
	return &lineCutter{lr: lineReader{br: br, max: max}, src: src}
}

// skipBOM drops a UTF-8 byte order mark, which some editors write and which
// is not JSON.
func skipBOM(br *bufio.Reader) {
	if b, _ := br.Peek(1); len(b) == 1 && b[0] == 0xEF {
		if b, _ := br.Peek(3); string(b) == "\xEF\xBB\xBF" {
			_, _ = br.Discard(3)
		}
	}
}

// peekStart finds the first non-whitespace byte, its line, and whether
// nothing else is on that line, without consuming anything. Peeking one
// byte further at a time returns as soon as that byte has arrived, so a
// slow pipe is never waited on for a full buffer.
func peekStart(br *bufio.Reader) (first byte, line int, alone bool) {
	line = 1
	i := 0
	for ; ; i++ {
		b, err := br.Peek(i + 1)
		if err != nil {
			return 0, line, false
		}
		if !isSpace(b[i]) {
			first = b[i]
			break
		}
		if b[i] == '\n' {
			line++
		}
	}
	for j := i + 1; ; j++ {
		b, err := br.Peek(j + 1)
		if err != nil || !isSpace(b[j]) {
			return first, line, false
		}
		if b[j] == '\n' {
			return first, line, true
		}
	}
}

type lineCutter struct {
	lr  lineReader
	src *source
}

func (c *lineCutter) next() (record, error) {
	b, long, err := c.lr.next()
	if err != nil {
		return record{}, err
	}
	r := record{src: c.src, line: c.lr.line, data: b}
	switch {
	case long:
		r.data, r.problem = nil, "line longer than "+strconv.Itoa(c.lr.max)+" bytes"
	case isBlank(b):
		r.data, r.blank = nil, true
	}
	return r, nil
}

func (c *lineCutter) reached() int { return c.lr.line + 1 }

type arrayCutter struct {
	a   arrayReader
	src *source
}

func (c *arrayCutter) next() (record, error) {
	el, err := c.a.next()
	return record{src: c.src, line: el.line, data: el.data, problem: el.problem}, err
}

func (c *arrayCutter) reached() int { return c.a.line }

// documentCutter reads the whole source as one value: one envelope as
// people write it by hand, spread over lines.
type documentCutter struct {
	br   *bufio.Reader
	src  *source
	max  int
	line int
	done bool
}

func (c *documentCutter) next() (record, error) {
	if c.done {
		return record{}, io.EOF
	}
	c.done = true
	b, err := io.ReadAll(io.LimitReader(c.br, int64(c.max)+1))
	if err != nil {
		return record{}, err
	}
	r := record{src: c.src, line: c.line, data: b}
	if len(b) > c.max {
		r.data, r.problem = nil, "document longer than "+strconv.Itoa(c.max)+" bytes"
	}
	return r, nil
}

func (c *documentCutter) reached() int { return c.line }
