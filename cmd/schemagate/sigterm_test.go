package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/schemagate/schemagate/internal/testkit"
)

// These tests run the real binary, since what they check belongs to the
// process: its exit code, its signal handling, whether a port opens.

// serveBinary runs the built binary's serve on the configuration file cfg,
// on a free port, with env added to the test's environment and extra
// flags after the others, and returns it once it listens.
func serveBinary(t *testing.T, cfg string, env []string, extra ...string) *testkit.Process {
	t.Helper()
	cmd := exec.Command(schemagateBin.Path(t), append([]string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, extra...)...)
	cmd.Env = append(os.Environ(), env...)
	return testkit.StartProcess(t, cmd)
}

// freePort returns a loopback address that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// An invalid configuration or schema tree stops the start: exit code 2,
// one report naming every file and problem, and no port ever opened.
func TestBinaryRefusesBadStartup(t *testing.T) {
	bin := schemagateBin.Path(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		testkit.WriteFile(t, p, []byte(text))
		return p
	}
	write("tree/a/v1.json", "{")
	write("tree/b/v1.json", `{"type": 5}`)
	write("tree/ok/v1.json", `{"type": "object"}`)
	cases := []struct {
		name string
		args []string
		env  []string
		want []string
	}{
		{"broken schema files", []string{"--config", write("tree.yaml", "schemas: {dir: "+filepath.Join(dir, "tree")+"}\n")}, nil,
			[]string{"a/v1.json", "b/v1.json"}},
		{"bad config values", []string{"--config", write("bad.yaml", "websocket: {send_queue_bytes: 0}\nlog: {level: loud}\n")}, nil,
			[]string{"bad.yaml", "websocket.send_queue_bytes", "log.level"}},
		{"unknown config key", []string{"--config", write("unknown.yaml", "listen_port: 3\n")}, nil, []string{"listen_port"}},
		{"missing config file", []string{"--config", filepath.Join(dir, "nope.yaml")}, nil, []string{"nope.yaml"}},
		{"bad environment", []string{"--config", write("ok.yaml", "schemas: {dir: "+repoSchemas(t)+"}\n")},
			[]string{"SCHEMAGATE_WEBSOCKET_READ_LIMIT=lots"}, []string{"read_limit"}},
		{"route without a schema", []string{"--config", write("route.yaml", "schemas: {dir: "+repoSchemas(t)+"}\nactions: {l: {kind: log}}\nroutes: [{type: person, version: 7, actions: [l]}]\n")}, nil,
			[]string{"route person v7"}},
		{"unreadable certificate", []string{"--config", write("tls.yaml", "schemas: {dir: "+repoSchemas(t)+"}\ntls: {cert_file: "+filepath.Join(dir, "nope.crt")+", key_file: "+filepath.Join(dir, "nope.key")+"}\n")}, nil,
			[]string{"nope.crt", "nope.key"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := freePort(t)
			// Killed after a minute (exit -1) if it serves instead.
			cmd := testkit.Command(t, time.Minute, bin, append([]string{"serve", "--listen", addr}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if code := exitOf(t, cmd.Run()); code != 2 {
				t.Fatalf("exit %d, want 2: a bad start must not serve\n%s", code, stderr.String())
			}
			report := stderr.String()
			for _, w := range tc.want {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
			if n := strings.Count(report, "schemagate:"); n != 1 {
				t.Errorf("%d reports, want one:\n%s", n, report)
			}
			if strings.Contains(report, `"msg":"listening"`) {
				t.Error("the process logged that it listened")
			}
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Errorf("%s accepts connections after a refused start", addr)
			}
		})
	}
}

// sigtermClient is one connection's record: what it sent, in order, and
// what came back.
type sigtermClient struct {
	sent    []string
	replies []hReply
	closed  int // the close code the server sent, 0 if none
	err     error
}

// SIGTERM while many clients send: every frame sent is answered (ack or
// error) or was never read (a suffix of what the client sent, refused at
// close), acks match the events in the file one for one, every client gets
// 1001, and the process exits 0 within the drain timeout.
func TestBinarySIGTERMUnderLoad(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "events.ndjson")
	cfgPath := filepath.Join(dir, "config.yaml")
	const drain = 10 * time.Second
	cfg := fmt.Sprintf(`
schemas: {dir: %s}
actions:
  events: {kind: file, path: %s, sync: always}
routes:
  - {type: person, version: 1, actions: [events]}
shutdown: {drain_timeout: %s}
`, repoSchemas(t), events, drain)
	testkit.WriteFile(t, cfgPath, []byte(cfg))
	srv := serveBinary(t, cfgPath, nil)
	addr := srv.Addr

	// A window of unanswered frames per client keeps the load steady
	// rather than piling frames into socket buffers.
	const clients, maxFrames, window = 16, 20000, 32
	var acks atomic.Int64
	results := make([]*sigtermClient, clients)
	var wg sync.WaitGroup
	for i := range clients {
		c := hDial(t, addr, "/ws", nil)
		rec := &sigtermClient{}
		results[i] = rec
		readerDone := make(chan struct{})
		slots := make(chan struct{}, window)
		var mu sync.Mutex
		wg.Add(2)
		go func() { // writer: as fast as the socket takes them
			defer wg.Done()
			for j := 0; j < maxFrames; j++ {
				select {
				case <-readerDone:
					return
				case slots <- struct{}{}:
				}
				id := fmt.Sprintf("c%d-%d", i, j)
				frame := personFrame(id)
				if j%10 == 9 { // some invalid ones: their verdict must be an error
					frame = strings.Replace(frame, `"age":30`, `"age":-1`, 1)
				}
				mu.Lock()
				rec.sent = append(rec.sent, id)
				mu.Unlock()
				_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
				if c.WriteMessage(websocket.TextMessage, []byte(frame)) != nil {
					return
				}
			}
		}()
		go func() { // reader: until the server closes
			defer wg.Done()
			defer close(readerDone)
			for {
				_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
				_, msg, err := c.ReadMessage()
				if err != nil {
					var ce *websocket.CloseError
					if errors.As(err, &ce) {
						rec.closed = ce.Code
					} else {
						rec.err = err
					}
					return
				}
				var r hReply
				if err := json.Unmarshal(msg, &r); err != nil {
					rec.err = fmt.Errorf("reply %q: %v", msg, err)
					return
				}
				mu.Lock()
				rec.replies = append(rec.replies, r)
				mu.Unlock()
				select {
				case <-slots:
				default:
				}
				if r.OK {
					acks.Add(1)
				}
			}
		}()
	}
	// Under load: some thousands acknowledged, then the signal.
	deadline := time.Now().Add(60 * time.Second)
	for acks.Load() < 2000 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d acks in a minute", acks.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	signalled := time.Now()
	srv.Stop(t, drain+20*time.Second)
	if d := time.Since(signalled); d > drain {
		t.Errorf("exit took %v, longer than the drain timeout %v", d, drain)
	}
	wg.Wait()

	acked := map[string]bool{}
	var sent, answered, refused int
	for i, rec := range results {
		if rec.err != nil {
			t.Errorf("client %d: %v", i, rec.err)
		}
		if rec.closed != websocket.CloseGoingAway {
			t.Errorf("client %d: close code %d, want 1001", i, rec.closed)
		}
		// Replies come in order on a connection, so they must match the
		// first len(replies) frames sent; the rest were never read.
		if len(rec.replies) > len(rec.sent) {
			t.Fatalf("client %d: %d replies to %d frames", i, len(rec.replies), len(rec.sent))
		}
		for j, r := range rec.replies {
			id := rec.sent[j]
			if r.ID == nil || *r.ID != id {
				t.Fatalf("client %d: reply %d is for %v, want %s (a frame skipped or answered twice)", i, j, r.ID, id)
			}
			invalid := strings.HasSuffix(id, "9")
			switch {
			case r.OK && !invalid:
				acked[id] = true
			case !r.OK && invalid && hCode(r) == 3:
			default:
				t.Fatalf("client %d: wrong verdict for %s: %+v", i, id, r)
			}
		}
		sent += len(rec.sent)
		answered += len(rec.replies)
		refused += len(rec.sent) - len(rec.replies)
	}
	inFile := fileIDs(t, events)
	for id := range acked {
		if !inFile[id] {
			t.Errorf("%s was acknowledged but is not in the file", id)
		}
	}
	for id := range inFile {
		if !acked[id] {
			t.Errorf("%s is in the file but its ack never reached the client", id)
		}
	}
	t.Logf("%d frames sent by %d clients: %d answered (%d acks, %d events in the file), %d never read before the close; exit %v after SIGTERM",
		sent, clients, answered, len(acked), len(inFile), refused, time.Since(signalled).Round(time.Millisecond))
}

// fileIDs reads the ids of the event file, refusing torn or corrupt lines.
func fileIDs(t *testing.T, path string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, line := range testkit.FileLines(t, path) {
		var ev struct{ ID string }
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.ID == "" {
			t.Fatalf("corrupt line %q: %v", line, err)
		}
		if ids[ev.ID] {
			t.Errorf("%s is in the file twice", ev.ID)
		}
		ids[ev.ID] = true
	}
	return ids
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
