package report

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// spoolMemory is how much of a spooled body stays in memory before it
// moves to a temporary file.
const spoolMemory = 4 << 20

// spool holds a report body until the counts its header needs are known
// (JUnit puts them on the opening tags; the HTML page puts the summary
// first): in memory while small, in a temporary file beyond that, so
// memory stays flat however many events there are.
type spool struct {
	limit int // spoolMemory; tests lower it to exercise the file
	mem   bytes.Buffer
	file  *os.File
	fw    *bufio.Writer
}

func newSpool() *spool { return &spool{limit: spoolMemory} }

// Write appends p, moving to a temporary file when memory would pass the
// limit.
func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > s.limit {
		f, err := os.CreateTemp("", "schemagate-report-*")
		if err != nil {
			return 0, err
		}
		s.file, s.fw = f, bufio.NewWriterSize(f, 64<<10)
		if _, err := s.fw.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	if s.fw != nil {
		return s.fw.Write(p)
	}
	return s.mem.Write(p)
}

// reader reads the spooled bytes from the start; call it once, when
// writing is over.
func (s *spool) reader() (io.Reader, error) {
	if s.file == nil {
		return &s.mem, nil
	}
	if err := s.fw.Flush(); err != nil {
		return nil, err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(s.file, 64<<10), nil
}

// close removes the temporary file, if there is one.
func (s *spool) close() {
	if s.file != nil {
		_ = s.file.Close() // removed next; nothing of it is kept
		_ = os.Remove(s.file.Name())
	}
}
