package chromiumtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/schemagate/schemagate/internal/testkit"
)

// Page is one tab of a headless Chromium driven over the DevTools
// protocol, for tests that use a page the way a person does: navigate,
// type, click (by script), wait for what the page shows, take a
// screenshot. Commands run one at a time; events are not listened to.
type Page struct {
	t    testing.TB
	conn *websocket.Conn
	next int64
}

// Open starts Chromium with nothing that could reach the network but
// loopback, and returns its first tab. It skips the test when Chromium is
// not installed; the browser is stopped when the test ends.
func Open(t testing.TB) *Page {
	t.Helper()
	// The bound is the longest a test may drive one browser.
	cmd, dir := command(t, 20*time.Minute, "--disable-extensions", "--hide-scrollbars", "--mute-audio",
		"--remote-debugging-port=0", "about:blank")
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	port := waitPort(t, filepath.Join(dir, "DevToolsActivePort"))
	conn := dialFirstTab(t, port)
	p := &Page{t: t, conn: conn}
	t.Cleanup(func() { _ = conn.Close() })
	p.Call("Page.enable", nil, nil)
	p.Call("Runtime.enable", nil, nil)
	return p
}

// waitPort reads the DevTools port Chromium writes once it listens.
func waitPort(t testing.TB, file string) string {
	t.Helper()
	var port string
	testkit.WaitFor(t, 60*time.Second, "chromium to write "+file, func() bool {
		if b, err := os.ReadFile(file); err == nil {
			if p, _, ok := strings.Cut(string(b), "\n"); ok {
				port = p
			}
		}
		return port != ""
	})
	return port
}

// dialFirstTab connects to the first tab Chromium lists on port.
func dialFirstTab(t testing.TB, port string) *websocket.Conn {
	t.Helper()
	var url string
	testkit.WaitFor(t, 30*time.Second, "a tab in chromium", func() bool {
		url = firstTab(port)
		return url != ""
	})
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("devtools: %v", err)
	}
	return c
}

// firstTab is the DevTools URL of the first page Chromium lists on port,
// or "" while it lists none.
func firstTab(port string) string {
	var targets []struct {
		Type, WebSocketDebuggerURL string
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&targets) // not yet a list: try again
	for _, tg := range targets {
		if tg.Type == "page" && tg.WebSocketDebuggerURL != "" {
			return tg.WebSocketDebuggerURL
		}
	}
	return ""
}

// Call runs one DevTools command and decodes its result into out (when
// not nil); a protocol error fails the test.
func (p *Page) Call(method string, params, out any) {
	p.t.Helper()
	if err := p.call(method, params, out); err != nil {
		p.t.Fatalf("devtools %s: %v", method, err)
	}
}

func (p *Page) call(method string, params, out any) error {
	p.next++
	id := p.next
	if params == nil {
		params = struct{}{}
	}
	_ = p.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if err := p.conn.WriteJSON(map[string]any{"id": id, "method": method, "params": params}); err != nil {
		return err
	}
	_ = p.conn.SetReadDeadline(time.Now().Add(90 * time.Second))
	for {
		var msg struct {
			ID     int64           `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := p.conn.ReadJSON(&msg); err != nil {
			return err
		}
		if msg.ID != id {
			continue // an event, or the answer to a call given up on
		}
		if msg.Error != nil {
			return fmt.Errorf("%s", msg.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(msg.Result, out)
		}
		return nil
	}
}

// Navigate opens url and waits for the document to be ready.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	p.Call("Page.navigate", map[string]any{"url": url}, nil)
	p.WaitFor(`document.readyState === "complete"`, 60*time.Second, "the page to load")
}

// Eval runs a JavaScript expression in the page (awaiting a promise) and
// returns its value as JSON; an exception fails the test.
func (p *Page) Eval(expr string) json.RawMessage {
	p.t.Helper()
	v, err := p.eval(expr)
	if err != nil {
		p.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

func (p *Page) eval(expr string) (json.RawMessage, error) {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception *struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return nil, err
	}
	if e := r.ExceptionDetails; e != nil {
		if e.Exception != nil {
			return nil, fmt.Errorf("%s", e.Exception.Description)
		}
		return nil, fmt.Errorf("%s", e.Text)
	}
	return r.Result.Value, nil
}

// WaitFor polls expr until it is truthy, failing the test (saying what
// it waited for) when d passes first. It waits for an outcome: d is a
// bound on a stuck page, not a measurement.
func (p *Page) WaitFor(expr string, d time.Duration, what string) {
	p.t.Helper()
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		v, err := p.eval("!!(" + expr + ")")
		if err == nil && string(v) == "true" {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("waited %v for %s (%s); last error: %v", d, what, expr, last)
}

// Viewport sets the page's size in CSS pixels; mobile also makes it
// behave as a phone (the viewport meta tag applies).
func (p *Page) Viewport(width, height int, mobile bool) {
	p.t.Helper()
	p.Call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height,
		"deviceScaleFactor": 1, "mobile": mobile}, nil)
}

// Screenshot writes the visible page as a PNG to file.
func (p *Page) Screenshot(file string) {
	p.t.Helper()
	var r struct {
		Data string `json:"data"`
	}
	p.Call("Page.captureScreenshot", map[string]any{"format": "png"}, &r)
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		p.t.Fatal(err)
	}
	testkit.WriteFile(p.t, file, b)
}
