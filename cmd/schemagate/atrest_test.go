package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Events may carry personal data: the files and folders the gateway makes
// are private unless file_mode widens them, and a flood of invalid frames
// cannot fill the disk through the dead letter.
func TestDataAtRest(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "data", "events.ndjson")
	shared := filepath.Join(dir, "shared", "events.ndjson")
	dead := filepath.Join(dir, "dead", "rejected.ndjson")
	cfg := `
schemas: {dir: ` + repoSchemas(t) + `}
handlers: [echo/v1]
actions:
  events: {kind: file, path: ` + events + `, sync: always}
  shared: {kind: file, path: ` + shared + `, sync: always, file_mode: "0640"}
routes:
  - {type: echo, version: 1, actions: [events, shared]}
dead_letter: {path: ` + dead + `, sync: never, max_bytes: 16384}
`
	addr, _, _ := startServe(t, cfg)
	c := hDial(t, addr, "/ws", nil)
	if r := hSend(t, c, `{"id":"a","type":"echo","version":1,"data":1}`); !r.OK {
		t.Fatalf("%+v", r)
	}
	junk := strings.Repeat("x", 500)
	for i := 0; i < 200; i++ {
		if r := hSend(t, c, `{"id":"j`+strconv.Itoa(i)+`","type":"echo","version":1,"data":`+junk+`}`); hCode(r) != 3 {
			t.Fatalf("junk frame: %+v", r)
		}
	}
	for _, m := range []struct {
		path string
		want os.FileMode
	}{
		{events, 0o600}, {filepath.Dir(events), 0o700}, {dead, 0o600}, {filepath.Dir(dead), 0o700},
		{shared, 0o640}, {filepath.Dir(shared), 0o750},
	} {
		fi, err := os.Stat(m.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != m.want {
			t.Errorf("%s: mode %o, want %o", m.path, fi.Mode().Perm(), m.want)
		}
	}
	var size int64
	for _, p := range []string{dead, dead + ".1"} {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	if size == 0 || size > 16384 {
		t.Errorf("dead letter holds %d bytes, want some and at most dead_letter.max_bytes", size)
	}
	m := regexp.MustCompile(`schemagate_dead_letter_dropped_total (\d+)`).FindStringSubmatch(metricsText(t, addr))
	if m == nil || m[1] == "0" {
		t.Errorf("dropped records not counted: %v", m)
	}
}
