package ws

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/wsio"
)

// These tests pin the gorilla behaviour gorilla.go relies on, one point
// each, through the server's own upgrade over a real socket. When one
// fails after a gorilla upgrade, the matching comment in gorilla.go says
// what depends on it.

// gorillaPair upgrades one real connection with the server's upgrade and
// returns the server's side and the raw client.
func gorillaPair(t *testing.T) (*websocket.Conn, *tap, net.Conn, *bufio.Reader) {
	t.Helper()
	s := New(nil, testOptions())
	type side struct {
		ws  *websocket.Conn
		tap *tap
	}
	got := make(chan side, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, tp, err := s.upgrade(s.upgrader(), w, r)
		if err != nil {
			t.Errorf("upgrade: %v", err)
		}
		got <- side{ws, tp}
	}))
	t.Cleanup(hs.Close)
	c, br := rawDial(t, strings.TrimPrefix(hs.URL, "http://"), "/")
	sv := <-got
	if sv.ws == nil {
		t.FailNow()
	}
	t.Cleanup(func() { sv.ws.Close() })
	_ = sv.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	return sv.ws, sv.tap, c, br
}

func readText(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_, r, err := ws.NextReader()
	if err != nil {
		t.Fatal(err)
	}
	b, err := wsio.ReadAll(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, c net.Conn, frames ...[]byte) {
	t.Helper()
	var b []byte
	for _, f := range frames {
		b = append(b, f...)
	}
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
}

// TestGorillaAdoptsTheHijackedReader: gorilla reads through the reader
// the hijack handed it (ReadBufferSize 0), and a message read to its end
// leaves the next frame, whole, in that reader.
func TestGorillaAdoptsTheHijackedReader(t *testing.T) {
	ws, tp, c, _ := gorillaPair(t)
	second := maskedFrame(websocket.TextMessage, []byte("second"))
	write(t, c, maskedFrame(websocket.TextMessage, []byte("first")), second)
	if got := readText(t, ws); got != "first" {
		t.Fatalf("read %q", got)
	}
	if n := tp.br.Buffered(); n != len(second) {
		t.Fatalf("the hijacked reader holds %d bytes, want the %d of the next frame: gorilla reads through another buffer", n, len(second))
	}
}

// TestGorillaStopsAtTheFrameBoundary: after a message is read to its end,
// the head of the buffer is the next frame's first byte, where skipPong
// and shortClose look.
func TestGorillaStopsAtTheFrameBoundary(t *testing.T) {
	ws, tp, c, _ := gorillaPair(t)
	write(t, c, maskedFrame(websocket.TextMessage, []byte("one")), maskedFrame(websocket.PongMessage, []byte("p")),
		maskedFrame(websocket.TextMessage, []byte("two")))
	if got := readText(t, ws); got != "one" {
		t.Fatalf("read %q", got)
	}
	if !tp.skipPong() {
		t.Fatal("the pong after a message was not at the head of the buffer")
	}
	if got := readText(t, ws); got != "two" {
		t.Fatalf("after the pong was taken, read %q", got)
	}
}

// TestGorillaReadsOnAfterATakenFrame: a text message taken from the head
// of the buffer by takeText leaves gorilla reading what follows (a ping
// it answers, a fragmented message, a message in one frame) as if it had
// read the taken one itself.
func TestGorillaReadsOnAfterATakenFrame(t *testing.T) {
	ws, tp, c, br := gorillaPair(t)
	frag := maskedFrame(websocket.TextMessage, []byte("two-"))
	frag[0] &^= 0x80 // not final: a continuation follows
	cont := maskedFrame(0, []byte("parts"))
	write(t, c, maskedFrame(websocket.TextMessage, []byte("one")), maskedFrame(websocket.PingMessage, []byte("p")),
		frag, cont, maskedFrame(websocket.TextMessage, []byte("three")))
	if _, err := tp.br.Peek(1); err != nil {
		t.Fatal(err)
	}
	if got, ok := tp.takeText(0); !ok || string(got) != "one" {
		t.Fatalf("takeText = %q, %v", got, ok)
	}
	if got := readText(t, ws); got != "two-parts" {
		t.Fatalf("after a taken frame gorilla read %q", got)
	}
	if got := readText(t, ws); got != "three" {
		t.Fatalf("then read %q", got)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if op, p, err := readServerFrame(br); err != nil || op != 0x80|websocket.PongMessage || string(p) != "p" {
		t.Fatalf("client got %#x %q %v, want gorilla's pong", op, p, err)
	}
}

// TestGorillaReadsThroughASwappedReader: gorilla keeps the pointer to its
// reader, so lending the buffer out (park) and back (fill) between
// messages leaves it reading correctly.
func TestGorillaReadsThroughASwappedReader(t *testing.T) {
	ws, tp, c, _ := gorillaPair(t)
	for i, msg := range []string{"a", strings.Repeat("b", 3000), "c"} {
		tp.park()
		if tp.br.Size() != 0 {
			t.Fatal("a parked reader still holds its buffer")
		}
		write(t, c, maskedFrame(websocket.TextMessage, []byte(msg)))
		tp.fill()
		if got := readText(t, ws); got != msg {
			t.Fatalf("message %d read as %d bytes, want %d", i, len(got), len(msg))
		}
	}
}

// TestGorillaWritesThroughTheHijackedConn: gorilla writes every frame to
// the conn the hijack returned (so a hold batches them), and once a write
// fails it refuses every later one: why BatchConn never fails inside a
// hold.
func TestGorillaWritesThroughTheHijackedConn(t *testing.T) {
	ws, tp, _, br := gorillaPair(t)
	tp.Hold()
	for _, m := range []string{"x", "y"} {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if tp.Buffered() == 0 {
		t.Fatal("gorilla's writes did not reach the hijacked conn")
	}
	if err := tp.Release(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"x", "y"} {
		if _, p, err := readServerFrame(br); err != nil || string(p) != want {
			t.Fatalf("client read %q, %v; want %q", p, err, want)
		}
	}
	_ = ws.SetWriteDeadline(time.Now().Add(-time.Second))
	if ws.WriteMessage(websocket.TextMessage, []byte("late")) == nil {
		t.Fatal("a write past its deadline succeeded")
	}
	_ = ws.SetWriteDeadline(time.Now().Add(time.Minute))
	err := ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Minute))
	if err == nil {
		t.Fatal("gorilla wrote after a failed write: BatchConn's hold-time error handling can be revisited")
	}
}

// TestGorillaWritesAControlFrameWhole: gorilla writes a control frame
// with one Write to the conn the hijack returned, so the tap sees its
// close whole and ends the writing there; a ping leaves it going.
func TestGorillaWritesAControlFrameWhole(t *testing.T) {
	ws, tp, _, _ := gorillaPair(t)
	deadline := time.Now().Add(time.Minute)
	if err := ws.WriteControl(websocket.PingMessage, []byte("p"), deadline); err != nil {
		t.Fatal(err)
	}
	if err := tp.WritePair(appendTextHeader(nil, 1), []byte("x")); err != nil {
		t.Fatalf("a reply after a ping: %v", err)
	}
	if err := ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"), deadline); err != nil {
		t.Fatal(err)
	}
	if err := tp.WritePair(appendTextHeader(nil, 1), []byte("x")); !errors.Is(err, wsio.ErrWritesEnded) {
		t.Fatalf("a reply after gorilla's close: %v; want it refused (the tap did not see the close whole)", err)
	}
}

// TestGorillaHidesAOneByteClose: a close frame with a 1-byte payload
// reaches the close handler as 1005, like an empty one, so the server
// must look at the frame itself to answer 1002.
func TestGorillaHidesAOneByteClose(t *testing.T) {
	ws, tp, c, _ := gorillaPair(t)
	code := -1
	ws.SetCloseHandler(func(c int, _ string) error { code = c; return nil })
	write(t, c, maskedFrame(websocket.CloseMessage, []byte{3}))
	if _, err := tp.br.Peek(2); err != nil {
		t.Fatal(err)
	}
	if !tp.shortClose() {
		t.Fatal("shortClose did not see the 1-byte close")
	}
	_, _, err := ws.NextReader()
	if err == nil || code != websocket.CloseNoStatusReceived {
		t.Fatalf("close handler got %d (%v), want 1005: gorilla now tells a 1-byte close apart", code, err)
	}
}

// TestGorillaClosesOverTheReadLimit: past the read limit gorilla sends
// close 1009 itself and reports ErrReadLimit.
func TestGorillaClosesOverTheReadLimit(t *testing.T) {
	ws, _, c, br := gorillaPair(t)
	ws.SetReadLimit(10)
	write(t, c, maskedFrame(websocket.TextMessage, []byte(strings.Repeat("x", 20))))
	_, r, err := ws.NextReader()
	if err == nil {
		_, err = wsio.ReadAll(r, nil)
	}
	if !errors.Is(err, websocket.ErrReadLimit) {
		t.Fatalf("read = %v, want ErrReadLimit", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	op, p, err := readServerFrame(br)
	if err != nil || op != 0x80|websocket.CloseMessage || len(p) < 2 || int(p[0])<<8|int(p[1]) != websocket.CloseMessageTooBig {
		t.Fatalf("client got %#x %q %v, want close 1009 from gorilla", op, p, err)
	}
}

// TestGorillaReportsADropAs1006: a TCP end without a close frame reads as
// CloseError 1006, which the server counts as an error, not a close.
func TestGorillaReportsADropAs1006(t *testing.T) {
	ws, _, c, _ := gorillaPair(t)
	c.Close()
	_, _, err := ws.NextReader()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("read after a drop = %v, want CloseError 1006", err)
	}
}

// TestGorillaErrorHookDropsTheVersion: with Upgrader.Error set, gorilla
// no longer adds Sec-WebSocket-Version to a refusal; the server's hook
// must (RFC 6455 §4.4).
func TestGorillaErrorHookDropsTheVersion(t *testing.T) {
	up := websocket.Upgrader{Error: func(w http.ResponseWriter, _ *http.Request, code int, _ error) {
		w.WriteHeader(code)
	}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = up.Upgrade(w, r, nil)
	}))
	defer hs.Close()
	resp := badVersionHandshake(t, hs.URL)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Sec-WebSocket-Version") != "" {
		t.Fatalf("gorilla's refusal with a hook: %d, version %q; the server's hook may not need to add it",
			resp.StatusCode, resp.Header.Get("Sec-WebSocket-Version"))
	}
}

// badVersionHandshake asks for an upgrade in version 8.
func badVersionHandshake(t *testing.T, url string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Version", "8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestWriteCloseGetsPastAFailedGorillaWrite: once a write of gorilla's
// fails (here past its deadline, as its own 1 s one can pass on a loaded
// machine), gorilla refuses the close; writeClose still sends it, after
// the frame the failed write left whole in the BatchConn.
func TestWriteCloseGetsPastAFailedGorillaWrite(t *testing.T) {
	ws, tp, c, br := gorillaPair(t)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_ = ws.SetWriteDeadline(time.Now().Add(-time.Second))
	if ws.WriteMessage(websocket.TextMessage, []byte("late")) == nil {
		t.Fatal("a write past its deadline succeeded")
	}
	if tp.Buffered() == 0 {
		t.Fatal("the failed write left nothing in the BatchConn")
	}
	deadline := time.Now().Add(time.Minute)
	if ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1009, ""), deadline) == nil {
		t.Fatal("gorilla wrote a close after a failed write: writeClose's fallback can go")
	}
	writeClose(ws, tp.BatchConn, websocket.CloseMessageTooBig, "", deadline)
	writeClose(ws, tp.BatchConn, websocket.CloseGoingAway, "", deadline) // a second close is never sent
	if _, p, err := readServerFrame(br); err != nil || string(p) != "late" {
		t.Fatalf("client read %q, %v; want the frame left behind first", p, err)
	}
	op, p, err := readServerFrame(br)
	if err != nil || op != finClose || len(p) != 2 || int(p[0])<<8|int(p[1]) != websocket.CloseMessageTooBig {
		t.Fatalf("client got %#x %q %v, want close 1009", op, p, err)
	}
}

// TestWriteCloseSendsGorillasFailedClose: when gorilla's own close is the
// write that failed, that close is still whole in the BatchConn and is
// the one writeClose sends; no second close follows it.
func TestWriteCloseSendsGorillasFailedClose(t *testing.T) {
	ws, tp, c, br := gorillaPair(t)
	// A hold keeps gorilla's close in the BatchConn, as a write of it that
	// timed out would, and writes end after it.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	tp.Hold()
	if err := ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1009, ""), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	writeClose(ws, tp.BatchConn, websocket.CloseGoingAway, "", time.Now().Add(time.Minute))
	op, p, err := readServerFrame(br)
	if err != nil || op != finClose || len(p) != 2 || int(p[0])<<8|int(p[1]) != websocket.CloseMessageTooBig {
		t.Fatalf("client got %#x %q %v, want gorilla's close 1009", op, p, err)
	}
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, p, err := readServerFrame(br); err == nil {
		t.Fatalf("a second frame %q followed the close", p)
	}
}
