package testkit

import (
	"net"
	"strings"
	"testing"
	"time"
)

// NotifySocket is systemd's end of a notify socket at name (a path, or an
// abstract name starting with a NUL byte): a datagram socket that yields
// every message it reads until the test ends.
func NotifySocket(t testing.TB, name string) <-chan string {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	notes := make(chan string, 16)
	go func() {
		defer close(notes)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			notes <- string(buf[:n])
		}
	}()
	return notes
}

// WaitNote waits for a message on notes that holds want (READY=1, say),
// failing the test when none has within d or the socket closed first.
func WaitNote(t testing.TB, notes <-chan string, want string, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case n, ok := <-notes:
			if !ok {
				t.Fatalf("the notify socket closed before %s", want)
			}
			if strings.Contains(n, want) {
				return
			}
		case <-timeout:
			t.Fatalf("systemd never heard %s within %s", want, d)
		}
	}
}
