package sdnotify_test

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/sdnotify"
)

// listen is systemd's end: a datagram socket that returns what it reads.
func listen(t *testing.T, name string) <-chan string {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	got := make(chan string, 4)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

func TestNotify(t *testing.T) {
	for _, tc := range []struct{ name, socket string }{
		{"path", filepath.Join(t.TempDir(), "notify")},
		{"abstract", "@schemagate-test-" + t.Name()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.socket
			if addr[0] == '@' {
				addr = "\x00" + addr[1:]
			}
			got := listen(t, addr)
			if err := sdnotify.New(tc.socket).Notify(sdnotify.Ready, "STATUS=serving"); err != nil {
				t.Fatal(err)
			}
			select {
			case msg := <-got:
				if msg != "READY=1\nSTATUS=serving" {
					t.Fatalf("got %q", msg)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("nothing arrived")
			}
		})
	}
}

func TestNoSocketSendsNothing(t *testing.T) {
	if err := sdnotify.New("").Notify(sdnotify.Ready); err != nil {
		t.Fatal(err)
	}
	if err := sdnotify.New(filepath.Join(t.TempDir(), "none")).Notify(sdnotify.Ready); err == nil {
		t.Fatal("a missing socket must be reported")
	}
}
