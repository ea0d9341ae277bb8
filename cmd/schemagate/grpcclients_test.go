package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// toolsDir is where scripts/install-grpc-clients.sh puts the clients.
func toolsDir(t *testing.T) string {
	return testkit.CacheDir(t, "SCHEMAGATE_TOOLS", "schemagate-tools")
}

// grpcurl runs the pinned grpcurl: flags, then addr, then the verb and its
// arguments.
func grpcurl(t *testing.T, bin, addr string, flags, verb []string) (string, error) {
	t.Helper()
	args := append(append(append([]string{"-plaintext"}, flags...), addr), verb...)
	out, err := testkit.Command(t, time.Minute, bin, args...).CombinedOutput()
	return string(out), err
}

// grpcurl, by reflection alone (no proto files at hand): list, describe,
// health check, Publish of a valid and an invalid person.
func TestGRPCurlThroughReflection(t *testing.T) {
	bin := filepath.Join(toolsDir(t), "bin", "grpcurl.v1.9.4")
	testkit.Installed(t, "grpcurl v1.9.4", bin, "run scripts/install-grpc-clients.sh")
	_, _, addr := startGRPCServe(t, grpcConfig(t))
	data := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name  string
		flags []string
		verb  []string
		fails bool
		want  []string
	}{
		{"list", nil, []string{"list"}, false, []string{"schemagate.v1.EventService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"}},
		{"describe", nil, []string{"describe", "schemagate.v1.EventService"}, false,
			[]string{"rpc Publish ( .schemagate.v1.Event ) returns ( .schemagate.v1.Reply )", "rpc PublishStream ( stream .schemagate.v1.Event ) returns ( stream .schemagate.v1.Reply )"}},
		{"describe Event", nil, []string{"describe", "schemagate.v1.Event"}, false, []string{"bytes data = 4;"}},
		{"health", []string{"-d", `{"service":"schemagate.v1.EventService"}`}, []string{"grpc.health.v1.Health/Check"}, false, []string{`"status": "SERVING"`}},
		{"valid person", []string{"-d", `{"id":"g1","type":"person","version":1,"data":"` + data(`{"name":"John","age":30,"city":"New York"}`) + `"}`},
			[]string{"schemagate.v1.EventService/Publish"}, false, []string{`"id": "g1"`, `"ok": true`}},
		{"invalid person", []string{"-format-error", "-d", `{"id":"g2","type":"person","version":1,"data":"` + data(`{"name":"John","age":-1,"city":"New York"}`) + `"}`},
			[]string{"schemagate.v1.EventService/Publish"}, true,
			[]string{`"code": 3`, "data does not match person v1", "google.rpc.BadRequest", `"field": "/age"`, `"reason": "minimum"`,
				"schemagate.v1.ValidationReport", `"keywordLocation": "/properties/age/$ref/minimum"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := grpcurl(t, bin, addr, tc.flags, tc.verb)
			if (err != nil) != tc.fails {
				t.Fatalf("grpcurl %v: err %v\n%s", tc.verb, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("grpcurl %v: no %q in\n%s", tc.verb, w, out)
				}
			}
		})
	}
}

// @grpc/grpc-js, loading the repo's proto, streams the mixed workload and
// checks every reply (testdata/grpc-node/client.js).
func TestGRPCNodeClientStreamsAWorkload(t *testing.T) {
	node := testkit.LookPath(t, "node", "scripts/install-test-deps.sh installs it")
	modules := filepath.Join(toolsDir(t), "grpc-node", "node_modules")
	testkit.Installed(t, "@grpc/grpc-js", filepath.Join(modules, "@grpc", "proto-loader"), "run scripts/install-grpc-clients.sh")
	shared := testkit.SharedBench
	workload := filepath.Join(shared, "workloads", "mixed-10pct-invalid.ndjson")
	if _, err := os.Stat(workload); err != nil {
		t.Skipf("../shared/bench is not beside the repo (%v)", err)
	}
	schemas, _ := filepath.Abs(filepath.Join(shared, "schemas"))
	_, _, addr := startGRPCServe(t, "schemas: {dir: "+schemas+"}\nhandlers: [echo/v1]\nactions: {}\nroutes: []\n")
	cmd := testkit.Command(t, 2*time.Minute, node, filepath.Join("testdata", "grpc-node", "client.js"),
		"--addr", addr, "--proto", filepath.Join("..", "..", "proto"),
		"--proto", filepath.Join("..", "..", "third_party", "googleapis"), "--workload", workload)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("client.js: %v\n%s%s", err, out, stderr.String())
	}
	var counts struct{ Sent, Replies, OK, Rejected int }
	if err := json.Unmarshal(out, &counts); err != nil || counts.Replies != counts.Sent || counts.Sent < 1000 || counts.Rejected == 0 {
		t.Fatalf("client.js said %s (%v)", out, err)
	}
}
