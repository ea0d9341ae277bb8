package main

import (
	"net/http"
	"path/filepath"
	"testing"
)

// Ids that escape a lone surrogate decode to U+FFFD, so three distinct ids
// would become one in every sink while each client got its own ack. They
// are refused, over WebSocket and HTTP alike; a valid pair is kept exactly.
func TestIDsAreKeptAsSent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.ndjson")
	addr := serveEchoToFile(t, path)
	c := hDial(t, addr, "/ws", nil)
	frame := func(id string) string { return `{"id":"` + id + `","type":"echo","version":1,"data":1}` }
	for _, id := range []string{`lone\ud800`, `lone\udbff`, `lone\udc00`, `\ud83d\ud83d\ude00`, `\ude00\ud83d\ude00`} {
		if r := hSend(t, c, frame(id)); hCode(r) != 3 || r.ID == nil {
			t.Errorf("id %s over WebSocket: %+v, want INVALID_ARGUMENT with the id", id, r)
		}
		if code, _ := postJSON(t, "http://"+addr+"/v1/events", []byte(frame(id))); code != http.StatusBadRequest {
			t.Errorf("id %s over HTTP: %d, want 400", id, code)
		}
	}
	for _, id := range []string{`pair\ud83d\ude00`, `\uFFFD`, `back\\ud800`} {
		if r := hSend(t, c, frame(id)); !r.OK {
			t.Errorf("id %s: %+v, want an ack", id, r)
		}
	}
	assertFileIDs(t, path, []string{"pair😀", "\uFFFD", `back\ud800`})
}
