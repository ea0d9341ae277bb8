package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/wsio"
)

// replyFunc answers one frame with the replies to send: none, one or several.
type replyFunc func(frame []byte) [][]byte

// testServer is a tiny contract-speaking server for the tests.
type testServer struct {
	reply    replyFunc
	hangUp   int                        // if > 0, close each conn after this many frames
	stall    chan struct{}              // if set, read nothing until it closes
	check    func(r *http.Request) bool // if set, refuse handshakes it rejects
	open     atomic.Int64               // connections currently open
	upgrader websocket.Upgrader
}

// start serves /ws over a real loopback socket. Replies go out through a
// batchConn, flushed whenever the pile of replies is written, so the server
// is cheap enough to measure the generator against.
func (ts *testServer) start(tb testing.TB) string {
	tb.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(ts.serveHTTP))
	srv.Listener = batchListener{srv.Listener}
	ts.upgrader = websocket.Upgrader{ReadBufferSize: 16 << 10, WriteBufferSize: 16 << 10,
		CheckOrigin: func(*http.Request) bool { return true }}
	srv.Start()
	tb.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
}

func (ts *testServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ws" {
		http.NotFound(w, r)
		return
	}
	if ts.check != nil && !ts.check(r) {
		http.Error(w, "no", http.StatusForbidden)
		return
	}
	ws, err := ts.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	ts.open.Add(1)
	defer ts.open.Add(-1)
	if ts.stall != nil {
		<-ts.stall
		ws.Close()
		return
	}
	ts.serveConn(ws)
}

// serveConn reads frames and hands replies to a writer goroutine that sends
// whatever piled up in one burst.
func (ts *testServer) serveConn(ws *websocket.Conn) {
	var mu sync.Mutex
	var pending [][]byte
	wake := make(chan struct{}, 1)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(quit); wg.Wait(); ws.Close() }()
	wg.Go(func() {
		bc := ws.NetConn().(*wsio.BatchConn)
		var out [][]byte
		for stop := false; !stop; {
			select {
			case <-wake:
			case <-quit:
				stop = true // but first send what the reader left
			}
			mu.Lock()
			out, pending = pending, out[:0]
			mu.Unlock()
			bc.Hold()
			for _, m := range out {
				_ = ws.WriteMessage(websocket.TextMessage, m)
			}
			_ = bc.Release()
		}
	})
	for n := 1; ts.hangUp == 0 || n <= ts.hangUp; n++ {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		mu.Lock()
		pending = append(pending, ts.reply(msg)...)
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// batchListener wraps accepted conns so the server can batch its writes.
type batchListener struct{ net.Listener }

func (l batchListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wsio.NewBatchConn(c, 64<<10, nil), nil
}

// frameID is the id of a frame the generator sent: it always comes first.
func frameID(frame []byte) string {
	rest := bytes.TrimPrefix(frame, []byte(frameHead))
	return string(rest[:bytes.IndexByte(rest, '"')])
}

func okReply(id string) []byte {
	return []byte(`{"id":"` + id + `","ok":true}`)
}

func errReply(id string, code int, details bool) []byte {
	d := ""
	if details {
		d = `,"details":[{"instanceLocation":"/age","keywordLocation":"/properties/age/minimum","message":"must be >= 0"}]`
	}
	return fmt.Appendf(nil, `{"id":%q,"ok":false,"error":{"code":%d,"status":"X","message":"m"%s}}`, id, code, d)
}

// acceptAll is a server that accepts every frame.
func acceptAll(frame []byte) [][]byte {
	return [][]byte{okReply(frameID(frame))}
}

// firstN applies change to the replies of the first n frames the server
// sees, across all connections, and answers the rest with next.
func firstN(n int64, next replyFunc, change func(frame []byte, replies [][]byte) [][]byte) replyFunc {
	var seen atomic.Int64
	return func(frame []byte) [][]byte {
		out := next(frame)
		if seen.Add(1) <= n {
			out = change(frame, out)
		}
		return out
	}
}

// contract answers as the contract says for the frames in testdata, with
// switches to break one rule at a time.
type contract struct {
	noDetails bool // reject bad data without error.details
	noResult  bool // answer echo without result
}

func (c contract) reply(frame []byte) [][]byte {
	var env struct {
		ID      string
		Type    string
		Version int
		Data    json.RawMessage
	}
	if err := json.Unmarshal(frame, &env); err != nil {
		return [][]byte{errReply("", 3, false)}
	}
	var p struct{ Age *int }
	_ = json.Unmarshal(env.Data, &p)
	switch {
	case strings.Contains(env.Type, " "):
		return [][]byte{errReply(env.ID, 3, false)}
	case env.Type == "echo" && !c.noResult:
		return [][]byte{[]byte(`{"id":"` + env.ID + `","ok":true,"result":` + string(env.Data) + `}`)}
	case env.Type == "echo":
		return [][]byte{okReply(env.ID)}
	case env.Type != "person" || env.Version != 1:
		return [][]byte{errReply(env.ID, 5, false)}
	case p.Age == nil || *p.Age < 0 || !bytes.Contains(env.Data, []byte(`"city"`)):
		return [][]byte{errReply(env.ID, 3, !c.noDetails)}
	}
	return [][]byte{okReply(env.ID)}
}
