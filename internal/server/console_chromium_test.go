package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/chromiumtest"
	"github.com/schemagate/schemagate/internal/config"
)

// outcomeWait bounds a wait for what the page shows: a stuck page fails
// the test, a slow machine does not (these are outcomes, not timings).
const outcomeWait = 60 * time.Second

// artifactDir is where the console's screenshots go: $SCHEMAGATE_ARTIFACTS
// when set (SCHEMAGATE_ARTIFACTS=$PWD/docs/console refreshes the README's),
// otherwise a folder under the system's temp dir that outlives the test.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("SCHEMAGATE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "schemagate-artifacts", "console")
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// TestConsoleInChromium drives the console in headless Chromium as a
// person would: type the token, watch invalid frames become a reject
// group with the right keyword and count, open its samples, tail, compare
// schema versions, and try a frame against two versions. Each view is
// kept as a screenshot at 1280x800, and the overview and rejects at a
// phone's width.
func TestConsoleInChromium(t *testing.T) {
	url, _ := consoleServer(t, func(c *config.Config) { c.Console.AllowSend = true })
	page := chromiumtest.Open(t)
	shots := artifactDir(t)
	page.Viewport(1280, 800, false)
	page.Navigate(url + "/ui/")

	page.WaitFor(`!document.getElementById('signin').hidden`, outcomeWait, "the page to ask for a token")
	page.Eval(`document.getElementById('token').focus()`)
	page.Call("Input.insertText", map[string]any{"text": consoleToken}, nil)
	page.Eval(`document.getElementById('signin-form').requestSubmit()`)
	page.WaitFor(`!document.getElementById('view-overview').hidden && document.getElementById('conn').textContent === 'live'`,
		outcomeWait, "the overview, live")

	for i := 0; i < 5; i++ {
		post(t, url+"/v1/events/person/v2", producerToken, `{"name":"Ada","age":36,"city":"London"}`)
	}
	const invalid = 3
	for i := 0; i < invalid; i++ {
		if r := post(t, url+"/v1/events/person/v1", producerToken, `{"name":"Zelda","age":-1,"city":"Oslo"}`); !strings.Contains(r, "minimum") {
			t.Fatalf("an invalid frame was answered %s", r)
		}
	}
	for _, other := range []struct{ path, data string }{ // other groups, for a view worth a screenshot
		{"person/v1", `{"name":"Zelda","age":30}`}, {"person/v2", `{"name":"","age":30,"city":"Oslo","email":"not an email"}`},
		{"person/v2", `{"name":"Zelda","age":"thirty","city":"Oslo"}`}, {"echo/v1", `{"text": `}} {
		post(t, url+"/v1/events/"+other.path, producerToken, other.data)
	}
	sent := time.Now()
	page.WaitFor(`document.querySelector('#totals').textContent.includes('accepted5')`, outcomeWait, "the overview to count the frames")
	page.Screenshot(filepath.Join(shots, "overview.png"))

	page.Eval(`location.hash = '#rejects'`)
	row := `document.querySelector('#rejects-table tr[data-keyword="minimum"]')`
	page.WaitFor(row+` && `+row+`.querySelector('.path').textContent === '/age' && `+row+`.getAttribute('data-count') === '`+strconv.Itoa(invalid)+`'`,
		outcomeWait, fmt.Sprintf("the rejects view to show person v1 minimum at /age x%d", invalid))
	t.Logf("the reject group showed %v after the last invalid frame's reply", time.Since(sent).Round(time.Millisecond))
	page.Eval(row + `.querySelector('button').click()`)
	page.WaitFor(`document.querySelectorAll('#samples-list .sample').length > 0 && document.querySelector('#samples-list .report').textContent.includes('minimum') && !document.querySelector('#samples-list .report').textContent.includes('must be >= 0')`,
		outcomeWait, "the group's samples with their report, its messages hidden")
	if got := string(page.Eval(`document.querySelector('#samples-list pre').textContent`)); strings.Contains(got, "Zelda") {
		t.Errorf("show_data is off but a sample shows the data: %s", got)
	}
	page.Screenshot(filepath.Join(shots, "rejects.png"))

	page.Eval(`location.hash = '#tail'`)
	page.WaitFor(`document.getElementById('conn').textContent === 'live'`, outcomeWait, "the tail's stream")
	tailed := `document.querySelectorAll('#tail-table tbody tr[data-outcome="rejected"]').length > 0 && document.querySelectorAll('#tail-table tbody tr[data-outcome="accepted"]').length > 0`
	deadline := time.Now().Add(outcomeWait)
	for string(page.Eval("!!("+tailed+")")) != "true" {
		if time.Now().After(deadline) {
			t.Fatal("the live tail showed no accepted and rejected frames")
		}
		post(t, url+"/v1/events/person/v2", producerToken, `{"name":"Ada","age":36,"city":"London"}`)
		post(t, url+"/v1/events/person/v1", producerToken, `{"name":"Zelda","age":200,"city":"Oslo"}`)
		time.Sleep(100 * time.Millisecond)
	}
	page.Eval(`document.getElementById('tail-pause').click()`)
	page.Eval(`(function(){ var s = document.getElementById('f-outcome'); s.value = 'rejected'; s.dispatchEvent(new Event('input')); })()`)
	page.WaitFor(`[...document.querySelectorAll('#tail-table tbody tr')].every(r => r.dataset.outcome === 'rejected')`, outcomeWait, "the outcome filter")
	page.Screenshot(filepath.Join(shots, "tail.png"))

	page.Eval(`location.hash = '#schemas'`)
	page.WaitFor(`document.getElementById('s-type').options.length > 1`, outcomeWait, "the schemas to load")
	page.Eval(`(function(){ var s = document.getElementById('s-type'); s.value = 'person'; s.dispatchEvent(new Event('change')); })()`)
	page.WaitFor(`[...document.querySelectorAll('#s-diff .add')].some(e => e.textContent.includes('"email"'))`, outcomeWait, "the v1→v2 diff")
	page.WaitFor(`!document.getElementById('s-compat').textContent.includes('loading')`, outcomeWait, "the compatibility findings")
	page.Screenshot(filepath.Join(shots, "schemas.png"))

	page.Eval(`location.hash = '#try'`)
	page.Eval(`(function(){ var s = document.getElementById('t-type'); s.value = 'person'; s.dispatchEvent(new Event('change')); })()`)
	page.Eval(`document.getElementById('t-a').value = '1'; document.getElementById('t-b').value = '2'; document.getElementById('t-judge').click()`)
	page.WaitFor(`document.getElementById('verdict-a').dataset.ok === 'false' && document.getElementById('verdict-b').dataset.ok === 'true'`,
		outcomeWait, "both verdicts: v1 refuses the email, v2 accepts it")
	if got := string(page.Eval(`document.querySelector('#verdict-a .reply').textContent`)); !strings.Contains(got, "additionalProperties") {
		t.Errorf("v1's verdict is not the server's report: %s", got)
	}
	page.Screenshot(filepath.Join(shots, "try.png"))

	page.Viewport(390, 844, true)
	page.Eval(`location.hash = '#overview'`)
	page.WaitFor(`!document.getElementById('view-overview').hidden`, outcomeWait, "the overview at a phone's width")
	page.Screenshot(filepath.Join(shots, "overview-phone.png"))
	page.Eval(`location.hash = '#rejects'`)
	page.WaitFor(row, outcomeWait, "the rejects at a phone's width")
	if w := string(page.Eval(`document.documentElement.scrollWidth <= window.innerWidth + 1`)); w != "true" {
		t.Errorf("at a phone's width the page scrolls sideways (scrollWidth %s)", page.Eval(`document.documentElement.scrollWidth`))
	}
	page.Screenshot(filepath.Join(shots, "rejects-phone.png"))
}
