package report

import (
	"bufio"
	"bytes"
	"io"
)

// lineReader cuts NDJSON into lines, numbering them, and never holds more
// than max bytes of one line however long it is.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int // number of the line last returned
}

// next returns the next line without its line ending. long reports a line
// over the limit, whose bytes were dropped. It returns io.EOF after the
// last line; a final line without a newline is still a line.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	var buf []byte
	read := 0
	for {
		chunk, err := lr.br.ReadSlice('\n')
		read += len(chunk)
		// The limit applies to the content; a line ending is two bytes at most.
		if !long && read > lr.max+2 {
			long, buf = true, nil
		}
		if !long {
			buf = append(buf, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && read == 0:
			return nil, false, io.EOF
		case err != nil && err != io.EOF:
			return nil, false, err
		}
		lr.line++
		return trimLineEnd(buf), long, nil
	}
}

func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// isBlank reports a line that holds only JSON whitespace: not an event, so
// it is counted apart rather than reported as malformed.
func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
