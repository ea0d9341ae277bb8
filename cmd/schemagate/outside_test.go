package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// The binary as a new user meets it: run from another project's folder,
// with no configs/schemagate.yaml and no SCHEMAGATE_* variables, every
// command works on the defaults and --schemas.
func TestBinaryOutsideTheRepository(t *testing.T) {
	bin := schemagateBin.Path(t)
	dir := t.TempDir()
	testkit.CopyTree(t, repoSchemas(t), filepath.Join(dir, "schemas"))
	events := "{\"id\":\"a\",\"type\":\"person\",\"version\":1,\"data\":{\"name\":\"John\",\"age\":30,\"city\":\"New York\"}}\n" +
		"{\"id\":\"b\",\"type\":\"person\",\"version\":1,\"data\":{\"name\":\"John\",\"age\":-1,\"city\":\"New York\"}}\n"
	testkit.WriteFile(t, filepath.Join(dir, "events.ndjson"), []byte(events))
	sg := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = cleanEnv()
		return cmd
	}
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"validate", "--schemas", "./schemas", "events.ndjson"}, 1, []string{"/properties/age"}},
		{[]string{"validate", "--schemas", "./schemas", "-q", "events.ndjson"}, 1, nil},
		{[]string{"schemas", "list", "--schemas", "./schemas"}, 0, []string{"person/v2.json"}},
		{[]string{"schemas", "check", "--schemas", "./schemas"}, 0, []string{"ok: 3 schemas"}},
		{[]string{"send", "--help"}, 0, []string{"-h, --help ", "    --bare "}},
		{[]string{"version"}, 0, []string{"schemagate ", "(commit "}},
	}
	for _, tc := range cases {
		out, err := sg(tc.args...).CombinedOutput()
		if code := exitOf(t, err); code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
		if strings.Contains(string(out), "[=true|false]") {
			t.Errorf("%v: help shows bool flags as [=true|false]:\n%s", tc.args, out)
		}
	}
	serveAndSendOutside(t, sg)
}

// serveAndSendOutside runs serve on the copied tree, sends to it with
// send, and stops it with SIGTERM.
func serveAndSendOutside(t *testing.T, sg func(...string) *exec.Cmd) {
	// cleanEnv drops TestMain's SCHEMAGATE_GRPC_LISTEN, so the gRPC port
	// is named here: the default 9090 may be held by another run.
	srv := testkit.StartProcess(t, sg("serve", "--schemas", "./schemas", "--listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0"))
	addr := srv.Addr
	out, err := sg("send", "--url", "ws://"+addr+"/ws", "--type", "person", "--data", `{"name":"John","age":30,"city":"New York"}`).CombinedOutput()
	if exitOf(t, err) != 0 || !strings.Contains(string(out), `"ok":true`) {
		t.Fatalf("send: %v\n%s", err, out)
	}
	srv.Stop(t, 30*time.Second)
}

// The revision `version` prints is the one the build recorded; when the
// go command recorded one (a build in a git checkout), it is there.
func TestBinaryVersionIsTheBuilds(t *testing.T) {
	bin := schemagateBin.Path(t)
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(meta), "\n") {
		if rev, ok := strings.CutPrefix(strings.TrimSpace(line), "build\tvcs.revision="); ok {
			if !strings.Contains(string(out), "commit "+rev) {
				t.Fatalf("version = %q, want the recorded revision %s", out, rev)
			}
			return
		}
	}
	t.Logf("the go command recorded no revision (no .git folder, or -buildvcs off): %s", out)
}

func exitOf(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// cleanEnv is the environment without SCHEMAGATE_ variables, as a new
// user's shell would be.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCHEMAGATE_") {
			env = append(env, kv)
		}
	}
	return env
}
