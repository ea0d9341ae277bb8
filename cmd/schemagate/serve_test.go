package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
)

func TestServeAndSend(t *testing.T) {
	events := filepath.Join(t.TempDir(), "events.ndjson")
	rejected := filepath.Join(t.TempDir(), "rejected.ndjson")
	cfg := `
schemas: {dir: ` + repoSchemas(t) + `}
dead_letter: {path: ` + rejected + `, sync: always}
handlers: [echo/v1, person/v1, person/v2]
actions:
  events: {kind: file, path: ` + events + `, sync: always}
routes:
  - {type: person, version: 1, actions: [events]}
`
	addr, logs, stop := startServe(t, cfg)
	url := "ws://" + addr + "/ws"
	var out bytes.Buffer
	err := run(context.Background(), []string{"send", "--url", url, "--type", "person", "--version", "1",
		"--data", `{"name":"John","age":30,"city":"New York"}`}, strings.NewReader(""), &out, &out)
	if err != nil || !strings.Contains(out.String(), `"ok":true`) {
		t.Fatalf("send: %v\n%s", err, out.String())
	}
	out.Reset()
	err = run(context.Background(), []string{"send", "--url", url, "--type", "person", "--version", "1",
		"--data", `{"name":"John","age":-1}`}, strings.NewReader(""), &out, &out)
	if exitCode(err) != 1 || !strings.Contains(out.String(), `"keywordLocation":"/properties/age/$ref/minimum"`) {
		t.Fatalf("invalid send: exit %d, %v\n%s", exitCode(err), err, out.String())
	}
	out.Reset()
	ndjson := `{"type":"echo","version":1,"data":[1,2]}` + "\n\n" + `{"id":"x","type":"nope","version":1,"data":1}` + "\n"
	err = run(context.Background(), []string{"send", "--url", url, "--file", "-"}, strings.NewReader(ndjson), &out, &out)
	if exitCode(err) != 1 || !strings.Contains(out.String(), `"result":[1,2]`) || !strings.Contains(out.String(), `"code":5`) {
		t.Fatalf("send --file -: exit %d\n%s", exitCode(err), out.String())
	}
	// No route asks for the data in the log: a person is personal data.
	if strings.Contains(logs.String(), "New York") || strings.Contains(logs.String(), "John") ||
		!strings.Contains(logs.String(), `"msg":"person accepted"`) {
		t.Fatalf("the person handler logged personal data, or nothing, at INFO:\n%s", logs.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v", err)
	}
	data, err := os.ReadFile(events)
	if err != nil || strings.Count(string(data), "\n") != 1 || !strings.Contains(string(data), `"data":{"name":"John","age":30,"city":"New York"}`) {
		t.Fatalf("the sink should hold exactly the one acknowledged person: %q %v", data, err)
	}
	dead, err := os.ReadFile(rejected)
	if err != nil || strings.Count(string(dead), "\n") != 2 ||
		!strings.Contains(string(dead), `"keywordLocation":"/properties/age/$ref/minimum"`) ||
		!strings.Contains(string(dead), `\"type\":\"nope\"`) {
		t.Fatalf("the dead letter should hold the two refused frames with their reports:\n%s %v", dead, err)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		testkit.WriteFile(t, p, []byte(text))
		return p
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"missing file", []string{"--config", filepath.Join(dir, "nope.yaml")}, nil, []string{"nope.yaml", "no such file"}},
		{"missing file from the environment", nil, map[string]string{"SCHEMAGATE_CONFIG": filepath.Join(dir, "gone.yaml")}, []string{"gone.yaml", "no such file"}},
		{"unknown key", []string{"--config", write("unknown.yaml", "listen: 127.0.0.1:0\nlisten_port: 3\n")}, nil, []string{"listen_port"}},
		{"bad values, all reported", []string{"--config", write("bad.yaml", "websocket: {send_queue_bytes: 0}\nlog: {level: loud}\n")}, nil,
			[]string{"log.level", "websocket.send_queue_bytes"}},
		{"unknown env", []string{"--config", write("ok.yaml", "listen: 127.0.0.1:0\n")}, map[string]string{"SCHEMAGATE_LISTN": "x"}, []string{"SCHEMAGATE_LISTN"}},
		{"bad env value", []string{"--config", write("ok2.yaml", "listen: 127.0.0.1:0\n")}, map[string]string{"SCHEMAGATE_WEBSOCKET_READ_LIMIT": "lots"}, []string{"read_limit"}},
		{"broken schema tree", []string{"--config", write("tree.yaml", "listen: 127.0.0.1:0\nschemas: {dir: "+brokenTree(t)+"}\n")}, nil,
			[]string{"a/v1.json", "b/v1.json"}},
		{"route without schema", []string{"--config", write("route.yaml", "listen: 127.0.0.1:0\nschemas: {dir: "+repoSchemas(t)+"}\nactions: {l: {kind: log}}\nroutes: [{type: person, version: 7, actions: [l]}]\n")}, nil,
			[]string{"route person v7"}},
		{"a key of another kind of action", []string{"--config", write("kinds.yaml", "listen: 127.0.0.1:0\nactions:\n  events: {kind: file, path: x.ndjson, url: http://127.0.0.1:9/}\n  l: {kind: log, sync: always}\n  n: {kind: nats, path: y}\n")}, nil,
			[]string{"actions.events.url: is not a key of a file action", "actions.l.sync: is not a key of a log action", "actions.n.path: is not a key of a nats action"}},
		{"handler without schema", []string{"--config", write("handler.yaml", "listen: 127.0.0.1:0\nschemas: {dir: "+brokenTreeOK(t)+"}\nhandlers: [person/v2]\n")}, nil,
			[]string{"handler person v2"}},
		{"candidate without schema", []string{"--config", write("cand.yaml", "listen: 127.0.0.1:0\nschemas: {dir: "+repoSchemas(t)+"}\nroutes: [{type: person, version: 1, candidate: 7}]\n")}, nil,
			[]string{"route person v1: candidate v7: no schema person/v7.json"}},
		{"candidate is the route's own version", []string{"--config", write("own.yaml", "listen: 127.0.0.1:0\nroutes: [{type: person, version: 2, candidate: 2}]\n")}, nil,
			[]string{"routes[0].candidate: v2 is the route's own version"}},
		{"shadow on a typed handler's route", []string{"--config", write("shadow.yaml", "listen: 127.0.0.1:0\nhandlers: [person/v1]\nroutes: [{type: person, version: 1, mode: shadow}]\n")}, nil,
			[]string{"routes[0].mode: shadow acknowledges invalid frames, which a typed handler cannot take"}},
		{"unknown mode", []string{"--config", write("mode.yaml", "listen: 127.0.0.1:0\nroutes: [{type: person, version: 1, mode: audit}]\n")}, nil,
			[]string{`routes[0].mode: "audit" is not one of enforce, shadow`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tc.args...), strings.NewReader(""), &out, &errb)
			if exitCode(err) != 2 {
				t.Fatalf("exit code %d (%v), want 2", exitCode(err), err)
			}
			var se *status.Error
			if !errors.As(err, &se) {
				t.Fatalf("not a status error: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("report lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(errb.String(), `"msg":"listening"`) {
				t.Fatal("a listener was opened")
			}
		})
	}
}

func brokenTree(t *testing.T) string {
	dir := t.TempDir()
	testkit.WriteTree(t, dir, map[string]string{"a/v1.json": "{", "b/v1.json": `{"type": 5}`})
	return dir
}

func brokenTreeOK(t *testing.T) string {
	dir := t.TempDir()
	testkit.WriteTree(t, dir, map[string]string{"person/v1.json": `{"type":"object"}`})
	return dir
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "--nope"}, {"bogus"}, {"send", "extra-arg"}} {
		_, err := runCLI(args...)
		if exitCode(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
		}
	}
}
