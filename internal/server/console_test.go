package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/httpapi"
)

// consoleToken is an admin token (the console takes no other);
// producerToken sends events.
const (
	consoleToken  = "console-test-token-0123456789"
	producerToken = "producer-test-token-0123456789"
)

// consoleServer serves the gateway over the repo's schemas on a real
// socket, with auth on (producer and admin tokens) and the console as
// mutate leaves it.
func consoleServer(t *testing.T, mutate func(*config.Config)) (string, *app) {
	t.Helper()
	cfg := repoConfig(t)
	cfg.Handlers, cfg.DefaultActions = []string{"echo/v1", "person/v1", "person/v2"}, nil
	cfg.Auth.Tokens, cfg.Auth.AdminTokens = []string{producerToken}, []string{consoleToken}
	if mutate != nil {
		mutate(&cfg)
	}
	a := buildApp(t, cfg)
	srv := httptest.NewServer(a.handler)
	// Cleanups run last first: the app's close, which waits for the
	// streams, comes after these.
	t.Cleanup(func() {
		if a.console != nil {
			a.console.Close() // ends the streams, which Close would wait for
		}
		srv.Close()
	})
	return srv.URL, a
}

// consoleRequest sends one request with token (none when empty).
func consoleRequest(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") == "text/event-stream" {
		return resp.StatusCode, "" // a stream: its status is the answer
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConsoleNeedsTheToken asks every console route the API mounted (and
// paths under /ui/ that name nothing) without a token, with a wrong one
// and with a producer's: each is 401 (403 for the producer's), and the one
// body that is a page, GET /ui/'s sign-in page, carries no data. With an
// admin token, none is refused.
func TestConsoleNeedsTheToken(t *testing.T) {
	url, a := consoleServer(t, func(c *config.Config) { c.Console.AllowSend = true })
	post(t, url+"/v1/events/person/v1", producerToken, `{"name":"Zelda","age":-1,"city":"Oslo"}`) // a reject group to ask for
	var paths [][2]string
	for _, r := range a.gen.Load().api.(*httpapi.API).Routes() {
		method, path, _ := strings.Cut(r, " ")
		if strings.HasPrefix(path, "/ui/") {
			paths = append(paths, [2]string{method, strings.NewReplacer("{$}", "", "{id}", "1").Replace(path)})
		}
	}
	if len(paths) < 9 {
		t.Fatalf("only %d console routes mounted: %v", len(paths), paths)
	}
	paths = append(paths, [2]string{"GET", "/ui/nothing"}, [2]string{"GET", "/ui/api/"}, [2]string{"GET", "/ui/api/rejects/999"},
		[2]string{"GET", "/ui/index.html"}, [2]string{"GET", "/ui/api/stream?tail=1"}, [2]string{"POST", "/ui/"}, [2]string{"DELETE", "/ui/api/overview"})
	for _, p := range paths {
		body := ""
		if p[0] == "POST" {
			body = `{"type":"person","version":1,"versions":[1,2],"data":"{}"}`
		}
		for _, tok := range []string{"", "not-the-token-at-all-000", producerToken} {
			want := http.StatusUnauthorized
			if tok == producerToken && (p[0] != "GET" || p[1] != "/ui/") {
				want = http.StatusForbidden // the sign-in page answers anyone
			}
			code, got := consoleRequest(t, p[0], url+p[1], tok, body)
			if code != want {
				t.Errorf("%s %s with token %q: %d, want %d", p[0], p[1], tok, code, want)
			}
			for _, secret := range []string{"person", "minimum", "Zelda", `"frames"`} {
				if strings.Contains(got, secret) {
					t.Errorf("%s %s with token %q: the refusal shows %q", p[0], p[1], tok, secret)
				}
			}
		}
		if code, _ := consoleRequest(t, p[0], url+p[1], consoleToken, body); code == http.StatusUnauthorized || code == http.StatusForbidden {
			t.Errorf("%s %s with the admin token: %d", p[0], p[1], code)
		}
	}
}

// post sends data to a bare route with token and returns the reply.
func post(t *testing.T, url, token, data string) string {
	t.Helper()
	_, body := consoleRequest(t, "POST", url, token, data)
	return body
}

// TestConsoleReadOnlyUnlessAllowed: without console.allow_send a tried
// frame is judged but never sent; with it, it goes through the pipeline
// and shows in the counts. Off, /ui/ is not there at all.
func TestConsoleReadOnlyUnlessAllowed(t *testing.T) {
	url, _ := consoleServer(t, nil)
	send := `{"type":"person","version":2,"data":"{\"name\":\"Ada\",\"age\":36,\"city\":\"London\"}"}`
	if code, body := consoleRequest(t, "POST", url+"/ui/api/send", consoleToken, send); code != http.StatusForbidden {
		t.Fatalf("send with allow_send off: %d %s", code, body)
	}
	code, body := consoleRequest(t, "POST", url+"/ui/api/try", consoleToken,
		`{"type":"person","versions":[1,2],"data":"{\"name\":\"Ada\",\"age\":36,\"city\":\"London\",\"email\":\"ada@example.org\"}"}`)
	var tried struct {
		Verdicts []struct {
			OK    bool            `json:"ok"`
			Reply json.RawMessage `json:"reply"`
		} `json:"verdicts"`
	}
	if err := json.Unmarshal([]byte(body), &tried); err != nil || code != 200 || len(tried.Verdicts) != 2 {
		t.Fatalf("try: %d %s", code, body)
	}
	if tried.Verdicts[0].OK || !tried.Verdicts[1].OK || !strings.Contains(string(tried.Verdicts[0].Reply), "additionalProperties") {
		t.Errorf("try: want v1 refused for additionalProperties and v2 accepted, got %s", body)
	}
	if _, over := consoleRequest(t, "GET", url+"/ui/api/overview", consoleToken, ""); !strings.Contains(over, `"accepted":0`) {
		t.Errorf("trying a frame counted it: %s", over)
	}

	url, _ = consoleServer(t, func(c *config.Config) { c.Console.AllowSend = true })
	if code, body := consoleRequest(t, "POST", url+"/ui/api/send", consoleToken, send); code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Fatalf("send with allow_send on: %d %s", code, body)
	}
	if _, over := consoleRequest(t, "GET", url+"/ui/api/overview", consoleToken, ""); !strings.Contains(over, `"accepted":1`) {
		t.Errorf("a frame sent for real is not counted: %s", over)
	}

	url, _ = consoleServer(t, func(c *config.Config) { c.Console.Enabled = false })
	if code, _ := consoleRequest(t, "GET", url+"/ui/", consoleToken, ""); code != http.StatusNotFound {
		t.Errorf("console off: GET /ui/ answered %d, want 404", code)
	}
}

// TestDrainEndsConsoleStreams: an open console stream (tail included)
// does not hold the drain: Serve returns cleanly, long before the drain
// timeout, with the stream still open on the client's side.
func TestDrainEndsConsoleStreams(t *testing.T) {
	cfg := repoConfig(t)
	cfg.GRPC.Listen = ""
	cfg.Shutdown.DrainTimeout = time.Minute // a held drain would show as a timeout error
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, cfg, Options{Listener: ln, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	var resp *http.Response
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err = http.Get("http://" + ln.Addr().String() + "/ui/api/stream?tail=1")
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil { // the stream has begun
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("drain with a console stream open: %v", err)
		}
	case <-time.After(cfg.Shutdown.DrainTimeout / 2):
		t.Fatal("the console stream held the drain")
	}
}
