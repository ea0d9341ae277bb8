package ws

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// headTap is a tap over buffered bytes alone, for takeText.
func headTap(t testing.TB, b []byte) *tap {
	t.Helper()
	tp := &tap{br: bufio.NewReaderSize(bytes.NewReader(b), readBufferSize)}
	_, _ = tp.br.Peek(min(len(b), readBufferSize))
	return tp
}

// TestTakeTextTakesOnlyAWholeSingleFrameText: takeText takes a final,
// masked text frame whole in the buffer, in each length encoding, and
// leaves every other shape (and what follows a taken frame) in place for
// gorilla.
func TestTakeTextTakesOnlyAWholeSingleFrameText(t *testing.T) {
	long := strings.Repeat("0123456789", 30) // a 16-bit length
	big := maskedFrame(websocket.TextMessage, []byte("x"))
	big = append([]byte{big[0], 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 1}, big[2:]...) // a 64-bit length
	unmasked := maskedFrame(websocket.TextMessage, []byte("x"))
	unmasked[1] &^= maskedBit
	rsv := maskedFrame(websocket.TextMessage, []byte("x"))
	rsv[0] |= 0x40
	notFinal := maskedFrame(websocket.TextMessage, []byte("x"))
	notFinal[0] &^= 0x80
	whole := maskedFrame(websocket.TextMessage, []byte(long))
	for _, tc := range []struct {
		name  string
		frame []byte
		limit int64
		taken bool
		want  string
		cut   bool // the frame is the whole input: nothing follows it yet
	}{
		{"short", maskedFrame(websocket.TextMessage, []byte("hello")), 0, true, "hello", false},
		{"empty", maskedFrame(websocket.TextMessage, nil), 0, true, "", false},
		{"16-bit length", whole, 0, true, long, false},
		{"64-bit length", big, 0, true, "x", false},
		{"at the limit", whole, int64(len(long)), true, long, false},
		{"over the limit", whole, int64(len(long)) - 1, false, "", false},
		{"not whole yet", whole[:len(whole)-1], 0, false, "", true},
		{"header cut", whole[:3], 0, false, "", true},
		{"binary", maskedFrame(websocket.BinaryMessage, []byte("x")), 0, false, "", false},
		{"unmasked", unmasked, 0, false, "", false},
		{"extension bit", rsv, 0, false, "", false},
		{"fragment", notFinal, 0, false, "", false},
		{"ping", maskedFrame(websocket.PingMessage, []byte("x")), 0, false, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := maskedFrame(websocket.TextMessage, []byte("next"))
			in := append(append([]byte(nil), tc.frame...), next...)
			if tc.cut {
				in = tc.frame
			}
			tp := headTap(t, in)
			got, ok := tp.takeText(tc.limit)
			switch {
			case !tc.taken:
				if ok || tp.br.Buffered() != len(in) {
					t.Fatalf("took %q (%v), leaving %d of %d bytes; want it left for gorilla", got, ok, tp.br.Buffered(), len(in))
				}
			case !ok || string(got) != tc.want:
				t.Fatalf("takeText = %q, %v; want %q", got, ok, tc.want)
			case tp.br.Buffered() != len(next):
				t.Fatalf("%d bytes left, want the next frame's %d", tp.br.Buffered(), len(next))
			}
		})
	}
}

// FuzzTakeText: whatever the payload and key, takeText gives the bytes
// gorilla would, and leaves the next frame whole.
func FuzzTakeText(f *testing.F) {
	f.Add([]byte("hello"), uint32(0x01020304))
	f.Add(bytes.Repeat([]byte{0xff}, 300), uint32(0))
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08"), uint32(0xdeadbeef))
	f.Fuzz(func(t *testing.T, payload []byte, key uint32) {
		if len(payload) > 4000 {
			return
		}
		frame := maskedFrame(websocket.TextMessage, payload)
		k := frame[len(frame)-len(payload)-4 : len(frame)-len(payload)]
		for i := range k {
			k[i] = byte(key >> (8 * i))
		}
		for i := range payload {
			frame[len(frame)-len(payload)+i] = payload[i] ^ k[i%4]
		}
		next := maskedFrame(websocket.PongMessage, nil)
		tp := headTap(t, append(frame, next...))
		got, ok := tp.takeText(0)
		if !ok || !bytes.Equal(got, payload) || tp.br.Buffered() != len(next) {
			t.Fatalf("takeText = %x, %v (%d left); want %x", got, ok, tp.br.Buffered(), payload)
		}
	})
}

// BenchmarkReadFrame prices reading a small frame from the buffer.
func BenchmarkReadFrame(b *testing.B) {
	frame := maskedFrame(websocket.TextMessage, []byte(`{"id":"a-1","type":"person","version":1,"data":{"name":"Ada","age":36}}`))
	in := bytes.Repeat(frame, 64)
	b.ReportAllocs()
	for b.Loop() {
		tp := headTap(b, in)
		for range 64 {
			if _, ok := tp.takeText(0); !ok {
				b.Fatal("not taken")
			}
		}
	}
}

// TestWaitReadsIntoTheBuffer: wait reads what the socket has straight
// into the buffer gorilla reads from, waits when there is nothing, and
// returns with a buffer when the read deadline passes instead.
func TestWaitReadsIntoTheBuffer(t *testing.T) {
	ws, tp, c, _ := gorillaPair(t)
	frame := maskedFrame(websocket.TextMessage, []byte("one"))
	write(t, c, frame)
	for tp.br.Buffered() < len(frame) {
		tp.wait()
	}
	if got, ok := tp.takeText(0); !ok || string(got) != "one" {
		t.Fatalf("takeText after wait = %q, %v", got, ok)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		_, _ = c.Write(maskedFrame(websocket.TextMessage, []byte("two")))
	}()
	if got := readTextAfterWait(t, ws, tp); got != "two" {
		t.Fatalf("read %q after waiting", got)
	}
	_ = ws.SetReadDeadline(time.Now().Add(-time.Second))
	tp.wait()
	if tp.br.Size() == 0 || tp.br.Buffered() != 0 {
		t.Fatalf("after the deadline: a buffer of %d holding %d bytes, want an empty one", tp.br.Size(), tp.br.Buffered())
	}
}

func readTextAfterWait(t *testing.T, ws *websocket.Conn, tp *tap) string {
	t.Helper()
	for !tp.ahead() {
		tp.wait()
	}
	return readText(t, ws)
}
