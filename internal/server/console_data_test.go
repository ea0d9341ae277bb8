package server

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/config"
)

// openStream opens the console's stream with its tail, with the admin
// token; done closes it.
func openStream(t *testing.T, url string) (resp *http.Response, done func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/ui/api/stream?tail=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+consoleToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return resp, func() { cancel(); resp.Body.Close() }
}

// TestConsoleHidesDataInErrors: with console.show_data off, a frame
// refused for its email's format shows in the reject groups, their
// samples and the live tail by keyword and path, and the address, which
// the validator's message quotes, appears in no console answer or stream.
func TestConsoleHidesDataInErrors(t *testing.T) {
	const secret = "jane.doe-at-example.com"
	url, _ := consoleServer(t, nil)
	resp, done := openStream(t, url)
	defer done()
	var (
		mu     sync.Mutex
		stream strings.Builder
	)
	tailed := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			stream.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), `"keyword":"format"`) && strings.Contains(sc.Text(), `"entries"`) {
				once.Do(func() { close(tailed) })
			}
		}
	}()
	frame := `{"name":"Jane","age":30,"city":"Oslo","email":"` + secret + `"}`
	deadline := time.After(30 * time.Second)
	for done := false; !done; {
		reply := post(t, url+"/v1/events/person/v2", producerToken, frame)
		if !strings.Contains(reply, secret) {
			t.Fatalf("the client's own reply should quote its data (the test's premise): %s", reply)
		}
		select {
		case <-tailed:
			done = true
		case <-deadline:
			t.Fatal("no tail entry for the format error")
		case <-time.After(300 * time.Millisecond):
		}
	}
	_, groups := consoleRequest(t, "GET", url+"/ui/api/rejects", consoleToken, "")
	if !strings.Contains(groups, `"keyword":"format"`) || !strings.Contains(groups, `"path":"/email"`) {
		t.Fatalf("no format group at /email: %s", groups)
	}
	answers := map[string]string{"rejects": groups}
	_, answers["samples"] = consoleRequest(t, "GET", url+"/ui/api/rejects/1", consoleToken, "")
	_, answers["overview"] = consoleRequest(t, "GET", url+"/ui/api/overview", consoleToken, "")
	if !strings.Contains(answers["samples"], `"instanceLocation":"/email"`) {
		t.Errorf("the sample does not name the violation's path: %s", answers["samples"])
	}
	mu.Lock()
	answers["stream"] = stream.String()
	mu.Unlock()
	for name, body := range answers {
		if strings.Contains(body, "jane.doe") {
			t.Errorf("%s shows the data: %s", name, body)
		}
	}
}

// TestConsoleStreamsAreCapped: past console.max_streams open streams the
// next is 429 with Retry-After; once one closes, a stream opens again.
func TestConsoleStreamsAreCapped(t *testing.T) {
	url, _ := consoleServer(t, func(c *config.Config) { c.Console.MaxStreams = 2 })
	open := func() (*http.Response, func()) { return openStream(t, url) }
	first, done1 := open()
	defer done1()
	second, done2 := open()
	if first.StatusCode != http.StatusOK || second.StatusCode != http.StatusOK {
		t.Fatalf("two streams: %d, %d", first.StatusCode, second.StatusCode)
	}
	third, done3 := open()
	if third.StatusCode != http.StatusTooManyRequests || third.Header.Get("Retry-After") == "" {
		t.Errorf("a third stream: %d (Retry-After %q), want 429", third.StatusCode, third.Header.Get("Retry-After"))
	}
	done3()
	done2()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, done := open()
		code := resp.StatusCode
		done()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream closed, yet a new one is still %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestConsoleTryIsGuarded: try and send are held to the /v1/ POST routes'
// guard (here its body limit, http.max_body), not only to their own.
func TestConsoleTryIsGuarded(t *testing.T) {
	url, _ := consoleServer(t, func(c *config.Config) { c.Console.AllowSend = true; c.HTTP.MaxBody = 1 << 10 })
	big := `{"type":"person","versions":[1],"data":"{\"name\":\"` + strings.Repeat("x", 2<<10) + `\"}"}`
	for _, path := range []string{"/ui/api/try", "/ui/api/send"} {
		if code, body := consoleRequest(t, "POST", url+path, consoleToken, big); code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s with a body over http.max_body: %d %s, want 413", path, code, body)
		}
	}
}
