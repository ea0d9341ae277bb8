package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/testkit"
)

// The tests in this file drive the real server, as `schemagate serve`
// builds it (startServe), over real sockets: abuse at the door, auth, and
// sinks that fail.

// hReply is the contract's reply, as a client reads it.
type hReply struct {
	ID    *string `json:"id"`
	OK    bool    `json:"ok"`
	Error *struct {
		Code   int    `json:"code"`
		Status string `json:"status"`
	} `json:"error"`
}

func hDial(t *testing.T, addr, path string, h http.Header) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+path, h)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", path, err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// hSend writes one frame and reads its reply, waiting long enough for a
// loaded machine.
func hSend(t *testing.T, c *websocket.Conn, frame string) hReply {
	t.Helper()
	msg := testkit.Exchange(t, c, frame, 20*time.Second)
	var r hReply
	if err := json.Unmarshal(msg, &r); err != nil {
		t.Fatalf("reply %q: %v", msg, err)
	}
	return r
}

func hCode(r hReply) int {
	if r.Error == nil {
		return 0
	}
	return r.Error.Code
}

// personData is the tutorial's person, valid against person v1.
const personData = `{"name":"John","age":30,"city":"New York"}`

func personFrame(id string) string {
	return `{"id":"` + id + `","type":"person","version":1,"data":` + personData + `}`
}

// An upgrade request that never completes holds a socket and a goroutine;
// http.Server.ReadHeaderTimeout, the shorter of websocket.handshake_timeout
// and http.read_header_timeout, must drop it, while everyone else is
// served.
func TestUnfinishedUpgradeIsDropped(t *testing.T) {
	for _, timeouts := range []string{
		"websocket: {handshake_timeout: 300ms}\n",
		"http: {read_header_timeout: 300ms}\n", // it used to have no effect
	} {
		t.Run(strings.TrimSpace(timeouts), func(t *testing.T) {
			cfg := "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1]\n" + timeouts
			addr, _, _ := startServe(t, cfg)
			stalledUpgrades(t, addr)
		})
	}
}

func stalledUpgrades(t *testing.T, addr string) {
	for _, partial := range []string{
		"GET /ws HT", // half a request line
		"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: webs", // headers that never end
		"", // a connection that says nothing
	} {
		t.Run(fmt.Sprintf("%q", partial), func(t *testing.T) {
			raw, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := io.WriteString(raw, partial); err != nil {
				t.Fatal(err)
			}
			// Meanwhile a real client is served.
			c := hDial(t, addr, "/ws", nil)
			if r := hSend(t, c, `{"id":"e","type":"echo","version":1,"data":1}`); !r.OK {
				t.Fatalf("a client was not served while another stalled its upgrade: %+v", r)
			}
			// The server hangs up: EOF (or a reset), never our deadline,
			// which is generous against the 300ms configured yet well
			// short of the 10s default the other timeout keeps.
			start := time.Now()
			_ = raw.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.Copy(io.Discard, raw)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the stalled upgrade was still open after %v", time.Since(start))
			}
		})
	}
}

// The closes the server decides on are counted by reason in /metrics.
func TestIdleAndLifetimeClosesAreCounted(t *testing.T) {
	cases := []struct {
		name, ws, reason, text string
	}{
		{"idle", "{idle_timeout: 200ms}", "idle", "idle"},
		{"lifetime", "{max_lifetime: 300ms}", "lifetime", "lifetime"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1]\nwebsocket: " + tc.ws + "\n"
			addr, _, _ := startServe(t, cfg)
			c := hDial(t, addr, "/ws", nil)
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, _, err := c.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || !strings.Contains(ce.Text, tc.text) {
				t.Fatalf("close = %v, want 1000 mentioning %q", err, tc.text)
			}
			c.Close()
			re := regexp.MustCompile(`schemagate_connections_closed_total\{reason="` + tc.reason + `"\} (\d+)`)
			deadline := time.Now().Add(20 * time.Second)
			for {
				if m := re.FindStringSubmatch(metricsText(t, addr)); m != nil && m[1] == "1" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no %s close counted:\n%s", tc.reason, metricsText(t, addr))
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func metricsText(t *testing.T, addr string) string {
	t.Helper()
	_, b := httpGet(t, "http://"+addr+"/metrics")
	return string(b)
}

// Every documented way to carry a token works on a real upgrade and on the
// HTTP API, and tokens come from the file or the environment alike.
func TestAuthTokenForms(t *testing.T) {
	const token = "0123456789abcdef-hardening"
	for _, source := range []string{"config", "environment"} {
		t.Run(source, func(t *testing.T) {
			cfg := "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1]\n"
			if source == "config" {
				cfg += "auth: {tokens: [" + token + "]}\n"
			} else {
				t.Setenv("SCHEMAGATE_AUTH_TOKENS", "another-token-0123456789,"+token)
			}
			addr, _, _ := startServe(t, cfg)
			upgrades := []struct {
				name   string
				path   string
				header http.Header
				status int
			}{
				{"Authorization header", "/ws", http.Header{"Authorization": {"Bearer " + token}}, 101},
				{"subprotocol pair", "/ws", http.Header{"Sec-WebSocket-Protocol": {"bearer, " + token}}, 101},
				{"query parameter", "/ws?access_token=" + token, nil, 101},
				{"no token", "/ws", nil, 401},
				{"wrong token", "/ws", http.Header{"Authorization": {"Bearer wrong-token-0123456789"}}, 401},
				{"wrong subprotocol token", "/ws", http.Header{"Sec-WebSocket-Protocol": {"bearer, wrong-token-0123456789"}}, 401},
				{"wrong query token", "/ws?access_token=nope", nil, 401},
			}
			for _, u := range upgrades {
				t.Run(u.name, func(t *testing.T) {
					c, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+u.path, u.header)
					if resp == nil {
						t.Fatalf("no response: %v", err)
					}
					if resp.StatusCode != u.status {
						t.Fatalf("status %d, want %d", resp.StatusCode, u.status)
					}
					if u.status == 401 {
						if resp.Header.Get("WWW-Authenticate") == "" {
							t.Error("401 without WWW-Authenticate")
						}
						return
					}
					defer c.Close()
					if u.header.Get("Sec-WebSocket-Protocol") != "" && c.Subprotocol() != "bearer" {
						t.Errorf("server selected subprotocol %q, want bearer (browsers close otherwise)", c.Subprotocol())
					}
					if r := hSend(t, c, `{"id":"a","type":"echo","version":1,"data":1}`); !r.OK {
						t.Fatalf("authorized connection not served: %+v", r)
					}
				})
			}
			api := []struct {
				name, auth string
				status     int
			}{
				{"API without token", "", 401},
				{"API with wrong token", "Bearer wrong-token-0123456789", 401},
				{"API with token", "Bearer " + token, 200},
			}
			for _, a := range api {
				t.Run(a.name, func(t *testing.T) {
					req, _ := http.NewRequest("POST", "http://"+addr+"/v1/events", strings.NewReader(`{"id":"h","type":"echo","version":1,"data":1}`))
					req.Header.Set("Content-Type", "application/json")
					if a.auth != "" {
						req.Header.Set("Authorization", a.auth)
					}
					if code, _ := httpDo(t, req); code != a.status {
						t.Fatalf("status %d, want %d", code, a.status)
					}
				})
			}
			if code := getJSON(t, "http://"+addr+"/healthz", nil); code != 200 {
				t.Errorf("/healthz = %d; it must stay open for probes", code)
			}
		})
	}
}

// Listening beyond loopback with auth off is allowed (a private network,
// a proxy in front) but never silently.
func TestWarnsBeyondLoopbackWithoutAuth(t *testing.T) {
	const warning = "listening beyond loopback with auth off"
	cases := []struct {
		name, listen, auth string
		warn               bool
	}{
		{"all interfaces, auth off", "0.0.0.0:0", "", true},
		{"all interfaces, auth on", "0.0.0.0:0", "auth: {tokens: [0123456789abcdef-hardening]}\n", false},
		{"loopback, auth off", "127.0.0.1:0", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1]\n" + tc.auth
			_, logs, stop := startServe(t, cfg, "--listen", tc.listen)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(logs.String(), warning); got != tc.warn {
				t.Fatalf("warning logged = %v, want %v:\n%s", got, tc.warn, logs.String())
			}
		})
	}
}

// webhookReceiver is the far end of a webhook action that can be told to
// be down (503), slow (answers after the action's timeout) or up.
type webhookReceiver struct {
	mu    sync.Mutex
	mode  string
	got   map[string]bool // ids answered 2xx
	block chan struct{}
}

func (w *webhookReceiver) set(mode string) {
	w.mu.Lock()
	w.mode = mode
	w.mu.Unlock()
}

func (w *webhookReceiver) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	mode := w.mode
	w.mu.Unlock()
	switch mode {
	case "down":
		http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
	case "slow":
		select { // longer than the action's timeout; released at the end
		case <-w.block:
		case <-r.Context().Done():
		}
	default:
		var ev struct{ ID string }
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.got[ev.ID] = true
		w.mu.Unlock()
	}
}

// A webhook that is down, slow or unreachable costs the client an
// UNAVAILABLE within the action's bounds, never an ack; when it comes back,
// events flow again, and every ack is an event the receiver took.
func TestWebhookDownOrSlow(t *testing.T) {
	recv := &webhookReceiver{got: map[string]bool{}, block: make(chan struct{})}
	hook := httptest.NewServer(recv)
	defer hook.Close()
	defer close(recv.block)
	// A port nobody listens on, for "unreachable".
	deadAddr := freePort(t)

	cfg := `
schemas: {dir: ` + repoSchemas(t) + `}
actions:
  hook: {kind: webhook, url: "` + hook.URL + `/events", timeout: 300ms, retries: 1, backoff: 50ms}
  dead: {kind: webhook, url: "http://` + deadAddr + `/events", timeout: 300ms, retries: 1, backoff: 50ms}
routes:
  - {type: person, version: 1, actions: [hook]}
  - {type: person, version: 2, actions: [dead]}
`
	addr, _, _ := startServe(t, cfg)
	c := hDial(t, addr, "/ws", nil)
	// Two attempts of 300ms and a backoff under 50ms: well under a second;
	// the bound allows for a loaded machine.
	const bound = 10 * time.Second
	acked := map[string]bool{}
	steps := []struct {
		mode, id string
		frame    string
		code     int
	}{
		{"up", "w-1", personFrame("w-1"), 0},
		{"down", "w-2", personFrame("w-2"), 14},
		{"slow", "w-3", personFrame("w-3"), 14},
		{"up", "w-4", personFrame("w-4"), 0},
		{"up", "w-5", `{"id":"w-5","type":"person","version":2,"data":{"name":"J","age":1,"city":"X"}}`, 14}, // unreachable
		{"down", "w-6", personFrame("w-6"), 14},
		{"up", "w-7", personFrame("w-7"), 0},
	}
	for _, s := range steps {
		recv.set(s.mode)
		start := time.Now()
		r := hSend(t, c, s.frame)
		if d := time.Since(start); d > bound {
			t.Errorf("%s (%s): answered after %v", s.id, s.mode, d)
		}
		if hCode(r) != s.code || r.ID == nil || *r.ID != s.id {
			t.Fatalf("%s (%s): got %+v, want code %d", s.id, s.mode, r, s.code)
		}
		if r.OK {
			acked[s.id] = true
		}
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	for id := range acked {
		if !recv.got[id] {
			t.Errorf("%s was acknowledged but the webhook never took it", id)
		}
	}
}

// mountSmallTmpfs is a 64 KiB tmpfs, as internal/action's full-disk test
// makes; it skips where the sandbox cannot mount.
func mountSmallTmpfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=65536"); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root and CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// On a full disk the file sink answers UNAVAILABLE, never an ack, and
// leaves only whole lines, each an acknowledged event; once room is made,
// events are taken again.
func TestFileSinkFullDisk(t *testing.T) {
	cases := []struct {
		name string
		path func(t *testing.T) string
		// refill says whether room can be made again by truncating.
		refill bool
	}{
		{"tmpfs", func(t *testing.T) string { return filepath.Join(mountSmallTmpfs(t), "events.ndjson") }, true},
		{"/dev/full", func(t *testing.T) string {
			if _, err := os.Stat("/dev/full"); err != nil {
				t.Skip("no /dev/full")
			}
			return "/dev/full"
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			addr := serveEchoToFile(t, path)
			c := hDial(t, addr, "/ws", nil)
			pad := strings.Repeat("x", 3000) // a line spans pages, so ENOSPC strikes mid-line
			frame := func(id string) string {
				return `{"id":"` + id + `","type":"echo","version":1,"data":{"pad":"` + pad + `"}}`
			}
			var acked []string
			full := false
			for i := 0; i < 200 && !full; i++ {
				id := "f-" + strconv.Itoa(i)
				switch r := hSend(t, c, frame(id)); {
				case r.OK:
					acked = append(acked, id)
				case hCode(r) == 14:
					full = true
				default:
					t.Fatalf("%s: got %+v, want an ack or UNAVAILABLE", id, r)
				}
			}
			if !full {
				t.Fatal("the disk never filled")
			}
			// Still full: still UNAVAILABLE, never an ack.
			if r := hSend(t, c, frame("again")); hCode(r) != 14 {
				t.Fatalf("on a full disk: %+v, want UNAVAILABLE", r)
			}
			if !tc.refill {
				return
			}
			assertFileIDs(t, path, acked)
			// An operator makes room; events are taken again.
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			if r := hSend(t, c, frame("after")); !r.OK {
				t.Fatalf("after room was made: %+v", r)
			}
			assertFileIDs(t, path, []string{"after"})
		})
	}
}

// assertFileIDs checks that the event file holds only whole JSON lines,
// exactly the ids want, in order.
func assertFileIDs(t *testing.T, path string, want []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("the file ends in a torn line: %q", b[max(0, len(b)-80):])
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var ev struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("corrupt line %q: %v", sc.Text(), err)
		}
		got = append(got, ev.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("file holds %v, want the acknowledged %v", got, want)
	}
}
