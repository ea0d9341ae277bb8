package main

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// barFront is the address the gateway posts to, held by the test from the
// start. Until the receiver is up it closes each connection at once (the
// receiver is down); then it relays to the receiver, which listens on a
// port of its own choosing. A port found free, closed and bound later by
// the receiver could be taken by another process in between.
type barFront struct {
	ln      net.Listener
	backend atomic.Pointer[string]
}

func startBarFront(t *testing.T) *barFront {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &barFront{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go f.serve()
	return f
}

// URL is the webhook's URL for the gateway's configuration.
func (f *barFront) URL() string { return "http://" + f.ln.Addr().String() }

// up relays every later connection to the receiver at url.
func (f *barFront) up(url string) {
	to := strings.TrimPrefix(url, "http://")
	f.backend.Store(&to)
}

func (f *barFront) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.relay(c)
	}
}

func (f *barFront) relay(c net.Conn) {
	defer c.Close()
	to := f.backend.Load()
	if to == nil {
		return
	}
	b, err := net.Dial("tcp", *to)
	if err != nil {
		return
	}
	defer b.Close()
	go func() {
		_, _ = io.Copy(b, c)
		_ = b.(*net.TCPConn).CloseWrite()
	}()
	_, _ = io.Copy(c, b)
}
