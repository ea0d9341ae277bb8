// Package deploy_test checks the shipped deployment files against the real
// binary: the systemd unit with systemd-analyze and by running its
// ExecStart under a notify socket, the Dockerfile by parsing it and running
// its command on the files it copies, the Kubernetes manifests by mounting
// their ConfigMaps as the kubelet does and serving from them. No container
// engine or cluster is needed (none is on the test machine).
package deploy_test

import (
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite kubernetes/schemas.yaml from the repository's schemas/")

// schemagateBin is the gateway, built once for all the tests here.
var schemagateBin = &testkit.Binary{Dir: "../cmd/schemagate"}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	schemagateBin.Remove()
	os.Exit(code)
}

// inRoot maps an absolute path of the target system (/etc/schemagate/...,
// /var/lib/schemagate) into a test's stand-in root.
func inRoot(root, s string) string {
	for _, prefix := range []string{"/etc/schemagate", "/var/lib/schemagate"} {
		s = strings.ReplaceAll(s, prefix, root+prefix)
	}
	return s
}

// start runs the binary with args and env in dir and waits for its
// listening line.
func start(t *testing.T, dir string, env []string, args ...string) *gateway {
	t.Helper()
	cmd := exec.Command(schemagateBin.Path(t), args...)
	cmd.Dir = dir
	// Every process here takes free ports: the gRPC door's default
	// (127.0.0.1:9090) may be anyone's on a shared machine.
	cmd.Env = append(append(os.Environ(), env...), "SCHEMAGATE_GRPC_LISTEN=127.0.0.1:0")
	return &gateway{testkit.StartProcess(t, cmd)}
}

// gateway is a running schemagate process.
type gateway struct{ *testkit.Process }

// probe runs `schemagate probe` on a path of the gateway, as the
// Dockerfile's HEALTHCHECK does.
func (g *gateway) probe(t *testing.T, path string) {
	t.Helper()
	g.run(t, "probe", "http://"+g.Addr+path)
}

// run runs the binary with args beside the gateway (a health check, a
// probe), failing the test with its output and the gateway's log when it
// fails.
func (g *gateway) run(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(schemagateBin.Path(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("schemagate %v: %v\n%s\n%s", args, err, out, g.Logs.String())
	}
}
