package ws

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

func testOptions() Options {
	return Options{
		ReadLimit: 64 << 10, SendQueueBytes: 1 << 20, MaxInflightBytes: 64 << 20, WriteTimeout: 2 * time.Second,
		// Pings far apart: a test client reads only when it waits for a
		// reply, so on a loaded machine a 2 s ping with a 5 s pong bound
		// closed connections mid-test (1001 "no pong"). Tests of pings set
		// their own.
		PongTimeout: time.Minute, PingInterval: 30 * time.Second, HandshakeTimeout: 2 * time.Second,
		MaxConnections: 100,
		BusyPoll:       50 * time.Microsecond, // as shipped: every test's quick client is polled for
	}
}

// testServer is a real gateway over the test schemas on a real socket.
type testServer struct {
	*httptest.Server
	ws   *Server
	sink *countingAction
}

// countingAction is a real action (it keeps what it is given) that can be
// told to fail, to prove no ack is sent without it.
type countingAction struct {
	mu   sync.Mutex
	ids  []string
	fail bool
	// hang, when set, makes Do wait for its context to end, as a webhook
	// that never answers; ctxs are the contexts Do was given.
	hang bool
	ctxs []context.Context
}

func (a *countingAction) Do(ctx context.Context, ev event.Event) error {
	a.mu.Lock()
	a.ctxs = append(a.ctxs, ctx)
	if a.hang {
		a.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	defer a.mu.Unlock()
	if a.fail {
		return errors.New("sink down")
	}
	a.ids = append(a.ids, ev.ID)
	return nil
}

func (a *countingAction) Close(context.Context) error { return nil }

func (a *countingAction) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.ids)
}

func newTestServer(t testing.TB, o Options, tune ...func(*http.Server)) *testServer {
	t.Helper()
	return newGateway(t, o, "testdata/schemas", func(b *pipeline.Builder, sink *countingAction) {
		b.Route(pipeline.Route{Key: event.Key{Type: "person", Version: 1}, Actions: []pipeline.NamedAction{{Name: "sink", Action: sink}}})
	}, tune...)
}

// newGateway serves the schemas in dir, echo v1 echoing, with the actions
// route sets on a sink; /ws is the contract's endpoint, /echo and /person
// bare routes.
func newGateway(t testing.TB, o Options, dir string, route func(*pipeline.Builder, *countingAction), tune ...func(*http.Server)) *testServer {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: dir, AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	sink := &countingAction{}
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1}, func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) {
		return ev.Data, nil
	})
	route(b, sink)
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(p, o)
	mux := http.NewServeMux()
	mux.Handle("/ws", s.Handler())
	mux.Handle("/echo", s.BareHandler(event.Key{Type: "echo", Version: 1}, true))
	mux.Handle("/person", s.BareHandler(event.Key{Type: "person", Version: 1}, false))
	ts := httptest.NewUnstartedServer(mux)
	for _, f := range tune {
		f(ts.Config)
	}
	ts.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		ts.Close()
	})
	return &testServer{Server: ts, ws: s, sink: sink}
}

// serverWith is a test server with testOptions changed by tune, if set.
func serverWith(t *testing.T, tune func(*Options)) *testServer {
	t.Helper()
	o := testOptions()
	if tune != nil {
		tune(&o)
	}
	return newTestServer(t, o)
}

// recMetrics records why connections closed, and counts busy polls.
type recMetrics struct {
	mu             sync.Mutex
	closed         []string
	caught, parked atomic.Int64
}

func (m *recMetrics) ConnOpened()            {}
func (m *recMetrics) UpgradeRejected(string) {}
func (m *recMetrics) BusyPolled(caught bool) {
	if caught {
		m.caught.Add(1)
	} else {
		m.parked.Add(1)
	}
}
func (m *recMetrics) ConnClosed(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = append(m.closed, reason)
}

func (m *recMetrics) reasons() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.closed, ",")
}

func (ts *testServer) dial(t *testing.T, path string, h http.Header) *websocket.Conn {
	t.Helper()
	return ts.dialWith(t, websocket.DefaultDialer, path, h)
}

func (ts *testServer) dialWith(t *testing.T, d *websocket.Dialer, path string, h http.Header) *websocket.Conn {
	t.Helper()
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+path, h)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", path, err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// reply is the contract's reply object.
type reply struct {
	ID     *string         `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *status.Error   `json:"error"`
}

func roundTrip(t *testing.T, c *websocket.Conn, frame string) (reply, string) {
	t.Helper()
	return parseReply(t, testkit.Exchange(t, c, frame, 5*time.Second))
}

// parseReply decodes a reply, or returns only its text when it is not
// JSON (a raw echo route).
func parseReply(t *testing.T, msg []byte) (reply, string) {
	t.Helper()
	var r reply
	if err := json.Unmarshal(msg, &r); err != nil {
		return reply{}, string(msg)
	}
	return r, string(msg)
}

// expectClose reads until the server closes and returns the close code.
func expectClose(t *testing.T, c *websocket.Conn) (int, string) {
	t.Helper()
	err := readUntilEnd(c)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("connection ended without a close frame: %v", err)
	}
	return ce.Code, ce.Text
}

// readUntilEnd reads and drops messages until the connection ends, or
// for at most 5 s, and returns the error that ended the reading: a
// *websocket.CloseError when a close frame came, a net.Error timeout
// when nothing ended the connection.
func readUntilEnd(c *websocket.Conn) error {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
	}
}

func codeOf(r reply) codes.Code {
	if r.Error == nil {
		return codes.OK
	}
	return r.Error.Code
}

// rawDial upgrades a bare TCP connection by hand, with no client
// goroutine, and returns it with a reader of the server's frames.
func rawDial(tb testing.TB, addr, path string) (net.Conn, *bufio.Reader) {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		tb.Fatal(err)
	}
	br := bufio.NewReaderSize(c, 256)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		tb.Fatalf("upgrade: %v %v", resp, err)
	}
	return c, br
}

// readServerFrame reads one frame the server sent (servers never mask):
// its first byte (FIN and opcode) and its payload.
func readServerFrame(r *bufio.Reader) (byte, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126, 127:
		ext := make([]byte, map[uint64]int{126: 2, 127: 8}[n])
		if _, err := io.ReadFull(r, ext); err != nil {
			return 0, nil, err
		}
		n = 0
		for _, b := range ext {
			n = n<<8 | uint64(b)
		}
	}
	p := make([]byte, n)
	_, err := io.ReadFull(r, p)
	return h[0], p, err
}

// maskedFrame is a client's frame (masked, as RFC 6455 requires) with
// opcode op and FIN set.
func maskedFrame(op byte, p []byte) []byte {
	key := [4]byte{1, 2, 3, 4}
	f := []byte{0x80 | op}
	switch {
	case len(p) < 126:
		f = append(f, 0x80|byte(len(p)))
	case len(p) <= 0xffff:
		f = append(f, 0x80|126, byte(len(p)>>8), byte(len(p)))
	default:
		f = append(f, 0x80|127)
		for s := 56; s >= 0; s -= 8 {
			f = append(f, byte(uint64(len(p))>>s))
		}
	}
	f = append(f, key[:]...)
	for i, b := range p {
		f = append(f, b^key[i%4])
	}
	return f
}

func (a *countingAction) contexts() []context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]context.Context(nil), a.ctxs...)
}
