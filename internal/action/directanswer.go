package action

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

// plainAnswer reads the answer a receiver almost always gives, a 2xx with
// an empty (or short, already received) body on a connection kept alive,
// without http.ReadResponse, whose Response, header map and line copies are
// most of what a delivery allocates. It only looks at what br has buffered
// (reading once if nothing is): anything else, a head cut across reads, a
// refusal, a redirect, an informational answer, a chunked body, HTTP/1.0,
// "Connection:", Retry-After, a folded line, leaves br as it was (ok
// false) for ReadResponse, so that every answer but the plain one is read
// exactly as before. With ok, br is past the answer and its body.
func plainAnswer(br *bufio.Reader) (code int, ok bool, err error) {
	if _, err := br.Peek(1); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // as ReadResponse says it
		}
		return 0, false, err
	}
	buf, _ := br.Peek(br.Buffered())
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 {
		return 0, false, nil
	}
	head, rest := buf[:end+2], buf[end+4:]
	line, head := cutLine(head)
	if bytes.ContainsAny(line, "\r\n") || len(line) < 12 || string(line[:9]) != "HTTP/1.1 " || (len(line) > 12 && line[12] != ' ') {
		return 0, false, nil
	}
	code = 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false, nil
		}
		code = code*10 + int(c-'0')
	}
	if code/100 != 2 {
		return 0, false, nil
	}
	length, ok := plainHeaders(head, code)
	if !ok || length > int64(len(rest)) {
		return 0, false, nil
	}
	_, _ = br.Discard(end + 4 + int(length))
	return code, true, nil
}

// plainHeaders reads the header lines of a 2xx answer and returns its
// body's length; false for anything plainAnswer leaves to ReadResponse.
func plainHeaders(head []byte, code int) (int64, bool) {
	length := int64(-1)
	for len(head) > 0 {
		var line []byte
		line, head = cutLine(head)
		if bytes.ContainsAny(line, "\r\n") {
			return 0, false
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !plainField(line[:colon], line[colon+1:]) {
			return 0, false
		}
		key, val := line[:colon], bytes.Trim(line[colon+1:], " \t")
		switch {
		case bytes.EqualFold(key, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(val), 10, 64)
			if length >= 0 || err != nil || n < 0 || string(val) != strconv.FormatInt(n, 10) {
				return 0, false
			}
			length = n
		case bytes.EqualFold(key, []byte("Transfer-Encoding")), bytes.EqualFold(key, []byte("Connection")),
			bytes.EqualFold(key, []byte("Retry-After")), bytes.EqualFold(key, []byte("Trailer")):
			return 0, false
		}
	}
	switch {
	case code == 204:
		return 0, length <= 0 // 204 has no body, whatever it says
	case length < 0:
		return 0, false // a body that runs to the connection's end
	}
	return length, true
}

// plainField says key is a token and val holds no control byte but tab,
// as ReadResponse wants them; what it refuses goes to it for its error.
func plainField(key, val []byte) bool {
	for _, c := range key {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`"(),/:;<=>?@[\]{}`), c) >= 0 {
			return false
		}
	}
	for _, c := range val {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// cutLine splits b at its first CRLF; a lone CR or LF is left in the line,
// whose checks then send the answer to ReadResponse.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.Index(b, []byte("\r\n")); i >= 0 {
		return b[:i], b[i+2:]
	}
	return b, nil
}
