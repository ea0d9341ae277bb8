package ws

import (
	"bytes"
	"net"
	"testing"
)

// countingConn records each Write, as the kernel would see syscalls.
type countingConn struct {
	net.Conn
	writes [][]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

func TestBatchConnCoalescesOnlyInsideABatch(t *testing.T) {
	under := &countingConn{}
	b := &batchConn{Conn: under, pool: newBatchPool()}
	_, _ = b.Write([]byte("handshake"))
	b.begin()
	for _, m := range []string{"one", "two", "three"} {
		_, _ = b.Write([]byte(m))
	}
	if len(under.writes) != 1 {
		t.Fatalf("writes inside a batch reached the connection early: %q", under.writes)
	}
	if err := b.end(); err != nil {
		t.Fatal(err)
	}
	_, _ = b.Write([]byte("ping"))
	want := [][]byte{[]byte("handshake"), []byte("onetwothree"), []byte("ping")}
	if len(under.writes) != len(want) {
		t.Fatalf("writes %q, want %q", under.writes, want)
	}
	for i := range want {
		if !bytes.Equal(under.writes[i], want[i]) {
			t.Fatalf("write %d = %q, want %q", i, under.writes[i], want[i])
		}
	}
	if b.buf != nil {
		t.Fatal("an idle connection still holds a batch buffer")
	}
}

func TestBatchConnFlushesEarlyWhenFull(t *testing.T) {
	under := &countingConn{}
	b := &batchConn{Conn: under, pool: newBatchPool()}
	b.begin()
	big := bytes.Repeat([]byte("x"), batchFlushAt/2+1)
	_, _ = b.Write(big)
	_, _ = b.Write(big)
	if len(under.writes) != 1 {
		t.Fatalf("a full batch was not sent early: %d writes", len(under.writes))
	}
	_ = b.end()
	if len(under.writes) != 1 {
		t.Fatalf("an empty batch was flushed: %d writes", len(under.writes))
	}
}
