package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/server"
	"github.com/schemagate/schemagate/internal/testkit"
)

// reloadTree is a schema tree and a configuration file in a temporary
// folder that a test rewrites between reloads.
type reloadTree struct {
	t      *testing.T
	dir    string
	config string
}

func newReloadTree(t *testing.T) *reloadTree {
	r := &reloadTree{t: t, dir: t.TempDir()}
	r.config = filepath.Join(r.dir, "config.yaml")
	r.person(1, 150)
	return r
}

// person writes person/v<version>.json with age at most max.
func (r *reloadTree) person(version, max int) {
	r.write(fmt.Sprintf("schemas/person/v%d.json", version), fmt.Sprintf(
		`{"type":"object","required":["name","age"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":%d}}}`, max))
}

func (r *reloadTree) write(rel, text string) {
	r.t.Helper()
	p := filepath.Join(r.dir, rel)
	// Whole files only, as an editor or a ConfigMap update writes them.
	testkit.WriteFile(r.t, p+".tmp", []byte(text))
	if err := os.Rename(p+".tmp", p); err != nil {
		r.t.Fatal(err)
	}
}

func (r *reloadTree) remove(rel string) {
	if err := os.Remove(filepath.Join(r.dir, rel)); err != nil {
		r.t.Fatal(err)
	}
}

// configure writes the configuration: the tree, a file action on person
// v1 (sync as given), and extra lines.
func (r *reloadTree) configure(sync string, extra string) {
	r.write("config.yaml", fmt.Sprintf(`schemas: {dir: %s}
actions:
  events: {kind: file, path: %s, sync: %s, interval: 10ms}
routes:
  - {type: person, version: 1, actions: [events]}
%s`, filepath.Join(r.dir, "schemas"), filepath.Join(r.dir, "events.ndjson"), sync, extra))
}

type reloadAnswer struct {
	Applied         bool     `json:"applied"`
	Schemas         []string `json:"schemas"`
	RestartRequired []string `json:"restart_required"`
	Problems        []server.Problem
}

func postReload(t *testing.T, addr, token string) (int, reloadAnswer) {
	t.Helper()
	code, body := adminDo(t, http.MethodPost, addr, "/v1/admin/reload", token)
	var a reloadAnswer
	if code != http.StatusUnauthorized && code != http.StatusForbidden {
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("reload answer %q: %v", body, err)
		}
	}
	return code, a
}

func personV(id string, version, age int) string {
	return fmt.Sprintf(`{"id":%q,"type":"person","version":%d,"data":{"name":"John","age":%d}}`, id, version, age)
}

// metricLine is the line of /metrics that starts with prefix, or "".
func metricLine(t *testing.T, addr, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(metricsText(t, addr), "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// A reload changes a bound, adds a version and swaps a file action under
// an open connection; a broken tree and configuration are refused whole,
// every problem named with its file and JSON Pointer, and the
// configuration in force keeps serving; keys only a restart applies are
// reported as such.
func TestReloadUnderAnOpenConnection(t *testing.T) {
	tree := newReloadTree(t)
	tree.configure("always", "")
	addr, logs, stop := startServe(t, "", "--config", tree.config)
	c := hDial(t, addr, "/ws", nil)
	acked := map[string]bool{}
	send := func(frame string, wantOK bool) {
		t.Helper()
		r := hSend(t, c, frame)
		if r.OK != wantOK {
			t.Fatalf("%s: ok %v, want %v (%+v)\n%s", frame, r.OK, wantOK, r, tail(logs.String()))
		}
		if r.OK && strings.Contains(frame, `"version":1`) {
			acked[*r.ID] = true
		}
	}
	send(personV("a1", 1, 30), true)
	send(personV("a2", 1, 180), false)

	// A bound, a new version and the file action's sync, all at once.
	tree.person(1, 200)
	tree.person(2, 200) // not narrower than v1: the compatibility gate holds at reload too
	tree.configure("interval", "")
	if code, a := postReload(t, addr, ""); code != 200 || !a.Applied || !strings.Contains(strings.Join(a.Schemas, ","), "person v2") {
		t.Fatalf("reload: %d %+v", code, a)
	}
	send(personV("b1", 1, 180), true)
	send(personV("b2", 2, 30), true)
	if got := metricLine(t, addr, `schemagate_schemas_loaded{type="person",version="2"}`); !strings.HasSuffix(got, " 1") {
		t.Errorf("schemas_loaded for person v2: %q", got)
	}

	// Broken: a schema that is not JSON, a route to a missing schema, a bad value.
	tree.write("schemas/broken/v1.json", "{")
	tree.configure("interval", "  - {type: person, version: 9, actions: [events]}\nwebsocket: {max_connections: 0}\n")
	code, a := postReload(t, addr, "")
	if code != 400 || a.Applied {
		t.Fatalf("broken reload: %d %+v", code, a)
	}
	want := map[string]string{
		filepath.Join(tree.dir, "schemas/broken/v1.json"): "",
		tree.config + "#/websocket/max_connections":       "",
	}
	for _, p := range a.Problems {
		key := p.File
		if p.Pointer != "" {
			key += "#" + p.Pointer
		}
		delete(want, key)
	}
	if len(want) > 0 {
		t.Fatalf("problems %+v lack %v", a.Problems, want)
	}
	send(personV("c1", 2, 30), true) // still the previous generation
	if got := metricLine(t, addr, "schemagate_config_last_reload_successful "); got != "schemagate_config_last_reload_successful 0" {
		t.Errorf("after a refused reload: %q", got)
	}

	// Fixed, and the route to the missing schema is named by its place.
	tree.remove("schemas/broken/v1.json")
	tree.configure("interval", "  - {type: person, version: 9, actions: [events]}\n")
	if code, a := postReload(t, addr, ""); code != 400 || len(a.Problems) != 1 || a.Problems[0].Pointer != "/routes/1" {
		t.Fatalf("route to a missing schema: %d %+v", code, a)
	}
	// (listen is --listen's here, which wins over the file.)
	tree.configure("interval", "websocket: {max_connections: 5000}\n")
	if code, a := postReload(t, addr, ""); code != 200 || strings.Join(a.RestartRequired, ",") != "websocket.max_connections" {
		t.Fatalf("a restart-only key changed: %d %+v", code, a)
	}
	send(personV("d1", 1, 180), true)
	if got := metricLine(t, addr, "schemagate_config_last_reload_successful "); got != "schemagate_config_last_reload_successful 1" {
		t.Errorf("after a reload that applied: %q", got)
	}
	c.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	inFile := fileIDs(t, filepath.Join(tree.dir, "events.ndjson"))
	for id := range acked {
		if !inFile[id] {
			t.Errorf("%s was acknowledged but is not in the file (the swapped file action lost it)", id)
		}
	}
	if len(inFile) != len(acked) {
		t.Errorf("file holds %d events, %d were acknowledged", len(inFile), len(acked))
	}
}

// With auth on, the reload endpoint is an operator's route: it wants an
// admin token; a producer's token is refused.
func TestReloadNeedsAnAdminToken(t *testing.T) {
	tree := newReloadTree(t)
	const producer, admin = "0123456789abcdef0123", "admin-0123456789abcdef"
	tree.configure("always", "auth: {tokens: ["+producer+"], admin_tokens: ["+admin+"]}\n")
	addr, _, _ := startServe(t, "", "--config", tree.config)
	if code, _ := postReload(t, addr, ""); code != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", code)
	}
	if code, _ := postReload(t, addr, producer); code != http.StatusForbidden {
		t.Fatalf("with a producer token: %d", code)
	}
	if code, a := postReload(t, addr, admin); code != 200 || !a.Applied {
		t.Fatalf("with the admin token: %d %+v", code, a)
	}
}

// With reload.watch, a change to the tree is picked up by itself.
func TestReloadWatch(t *testing.T) {
	tree := newReloadTree(t)
	tree.configure("always", "reload: {watch: true, interval: 20ms}\n")
	addr, logs, _ := startServe(t, "", "--config", tree.config)
	c := hDial(t, addr, "/ws", nil)
	if r := hSend(t, c, personV("w0", 1, 180)); r.OK {
		t.Fatal("age 180 accepted under a maximum of 150")
	}
	tree.person(1, 200)
	i := 0
	testkit.WaitFor(t, 60*time.Second, "the changed bound to be picked up", func() bool {
		i++
		return hSend(t, c, personV(fmt.Sprint("w", i), 1, 180)).OK
	})
	// The new generation serves before the reload's log line is written:
	// wait for the line rather than read the log at once.
	testkit.WaitFor(t, 30*time.Second, "the watcher's reload in the log", func() bool {
		return strings.Contains(logs.String(), `"trigger":"watch"`)
	})
}
