package action

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"
)

// plainAnswer takes the answers receivers give, and leaves every other to
// ReadResponse.
func TestPlainAnswer(t *testing.T) {
	tests := []struct {
		in   string
		code int // 0: left to ReadResponse
	}{
		{"HTTP/1.1 204 No Content\r\nDate: Fri, 27 Nov 2026 02:00:00 GMT\r\n\r\n", 204},
		{"HTTP/1.1 204\r\n\r\n", 204},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nOK", 200},
		{"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 202},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0}, // body not all here
		{"HTTP/1.1 200 OK\r\n\r\nbody to the end", 0},             // length unknown
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\nRetry-After: 5\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n", 0},
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 0},
		{"HTTP/1.1 200 OK\r\nContent-Length: +0\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\n X-Folded: yes\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\nBad Key: x\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\nConnection: close\r\n\r\n", 0},
		{"HTTP/1.0 204 No Content\r\n\r\n", 0},
		{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", 0},
		{"HTTP/1.1 307 Temporary Redirect\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", 0},
		{"HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 0},
		{"HTTP/1.1 204 No Content\r\n", 0}, // head not all here
	}
	for _, tt := range tests {
		br := bufio.NewReader(bytes.NewReader([]byte(tt.in)))
		code, ok, err := plainAnswer(br)
		if err != nil || code != tt.code || ok != (tt.code != 0) {
			t.Errorf("%q: code %d, ok %v, err %v; want %d", tt.in, code, ok, err, tt.code)
		}
		checkPlainAnswer(t, []byte(tt.in))
	}
	if _, _, err := plainAnswer(bufio.NewReader(bytes.NewReader(nil))); err != io.ErrUnexpectedEOF {
		t.Errorf("no answer: %v, want %v", err, io.ErrUnexpectedEOF)
	}
}

// FuzzPlainAnswer checks that an answer plainAnswer takes reads the same
// with ReadResponse and settle, and that it leaves every other untouched.
func FuzzPlainAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nOKHTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n\r\n"))
	f.Fuzz(checkPlainAnswer)
}

func checkPlainAnswer(t *testing.T, in []byte) {
	br := bufio.NewReader(bytes.NewReader(in))
	code, ok, err := plainAnswer(br)
	rest, _ := io.ReadAll(br)
	switch {
	case err != nil:
		if len(in) != 0 {
			t.Fatalf("%q: %v", in, err)
		}
		return
	case !ok:
		if !bytes.Equal(rest, in) {
			t.Fatalf("%q: left to ReadResponse, but %d bytes were taken", in, len(in)-len(rest))
		}
		return
	}
	std := bufio.NewReader(bytes.NewReader(in))
	resp, err := http.ReadResponse(std, nil)
	if err != nil {
		t.Fatalf("%q: plainAnswer took %d; ReadResponse: %v", in, code, err)
	}
	a, drained := settle(resp)
	resp.Body.Close()
	stdRest, _ := io.ReadAll(std)
	if a.Code != code || a.Err != nil || a.RetryAfter != 0 || !drained || resp.Close || !bytes.Equal(rest, stdRest) {
		t.Fatalf("%q: plainAnswer took %d leaving %q; ReadResponse and settle: %+v drained %v close %v leaving %q",
			in, code, rest, a, drained, resp.Close, stdRest)
	}
}
