package report

import (
	"bufio"
	"io"
	"strconv"
)

// arrayReader cuts a JSON array into its elements without decoding them:
// it only tracks strings and nesting. json.Decoder would stream too, but it
// gives up on the whole rest of the array at the first bad element, and it
// cannot say on which line an element starts; this way one bad element is
// one malformed record and the run goes on. The element's bytes are then
// parsed by jsonparse exactly as a line would be.
type arrayReader struct {
	br     *bufio.Reader
	max    int
	line   int  // line of the next unread byte
	opened bool // '[' consumed
	closed bool // ']' consumed
	ended  bool // nothing more to read
}

// element is one cut-out array element; problem is set when the array's
// own syntax is broken there, which makes the element malformed.
type element struct {
	data    []byte
	line    int
	problem string
}

// next returns the next element, or io.EOF once the array is closed and
// only whitespace followed it.
func (a *arrayReader) next() (element, error) {
	if a.ended {
		return element{}, io.EOF
	}
	if _, err := a.skipSpace(); err != nil {
		return a.atEOF(err)
	}
	if a.closed {
		// Whatever follows the array is not part of it; say so once, at
		// the line it is on, rather than read on by guesswork.
		a.ended = true
		return element{line: a.line, problem: "unexpected content after the JSON array; the rest of the input was not read"}, nil
	}
	if !a.opened {
		// The caller chose this reader because the input starts with '['.
		a.opened = true
		_, _ = a.br.ReadByte()
		c, err := a.skipSpace()
		if err != nil {
			return a.atEOF(err)
		}
		if c == ']' {
			_, _ = a.br.ReadByte()
			a.closed = true
			return a.next()
		}
	}
	return a.cut()
}

// atEOF ends the reader: cleanly after ']', as a malformed record when the
// array was never closed, and as the error itself for a failed read.
func (a *arrayReader) atEOF(err error) (element, error) {
	a.ended = true
	if err != io.EOF {
		return element{}, err
	}
	if a.closed {
		return element{}, io.EOF
	}
	return element{line: a.line, problem: "unexpected end of input: the JSON array is not closed"}, nil
}

// cut reads one element up to the ',' or ']' that ends it.
func (a *arrayReader) cut() (element, error) {
	el := element{line: a.line}
	data, long, end, err := a.scan()
	switch {
	case err != nil && err != io.EOF:
		return element{}, err
	case err == io.EOF:
		a.ended = true
		el.problem = "unexpected end of input: the JSON array is not closed"
	case long:
		el.problem = "array element longer than " + strconv.Itoa(a.max) + " bytes"
	case len(trimSpace(data)) == 0:
		el.problem = "empty element in the JSON array (two commas, or a comma before ']')"
	}
	if end == ']' {
		a.closed = true
	}
	if el.problem == "" {
		el.data = data
	}
	return el, nil
}

// scan collects bytes up to a ',' or ']' outside any string and nesting.
// Bytes past max are dropped, so a huge element costs no memory.
func (a *arrayReader) scan() (data []byte, long bool, end byte, err error) {
	depth, inString, escaped := 0, false, false
	for {
		c, err := a.br.ReadByte()
		if err != nil {
			return data, long, 0, err
		}
		if c == '\n' {
			a.line++
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case (c == '}' || c == ']') && depth > 0:
			depth--
		case depth == 0 && (c == ',' || c == ']'):
			return data, long, c, nil
		}
		if len(data) < a.max {
			data = append(data, c)
		} else {
			long = true
		}
	}
}

// skipSpace consumes whitespace and returns the next byte without
// consuming it.
func (a *arrayReader) skipSpace() (byte, error) {
	for {
		c, err := a.br.ReadByte()
		if err != nil {
			return 0, err
		}
		if !isSpace(c) {
			return c, a.br.UnreadByte()
		}
		if c == '\n' {
			a.line++
		}
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
