package deploy_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

const unitFile = "systemd/schemagate.service"

// unit is a parsed unit file: each section's settings in order (a key may
// repeat, as SystemCallFilter does).
type unit map[string][][2]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: %q is not key=value", path, line)
			}
			u[section] = append(u[section], [2]string{k, v})
		}
	}
	return u
}

// get is the last value of key in section ("" when unset).
func (u unit) get(section, key string) string {
	v := ""
	for _, kv := range u[section] {
		if kv[0] == key {
			v = kv[1]
		}
	}
	return v
}

func TestSystemdUnitHasWhatTheServiceNeeds(t *testing.T) {
	u := parseUnit(t, unitFile)
	for _, c := range []struct{ key, want string }{
		{"Type", "notify"},
		{"DynamicUser", "yes"},
		{"ProtectSystem", "strict"},
		{"StateDirectory", "schemagate"},
		{"WorkingDirectory", "/var/lib/schemagate"},
		{"ExecReload", "/bin/kill -HUP $MAINPID"},
		{"KillSignal", "SIGTERM"},
		{"NoNewPrivileges", "yes"},
	} {
		if got := u.get("Service", c.key); got != c.want {
			t.Errorf("[Service] %s=%q, want %q", c.key, got, c.want)
		}
	}
	stop, err := time.ParseDuration(u.get("Service", "TimeoutStopSec"))
	if err != nil || stop <= 15*time.Second {
		t.Errorf("TimeoutStopSec %q must exceed shutdown.drain_timeout (15s) so a drain is never killed", u.get("Service", "TimeoutStopSec"))
	}
}

// systemd-analyze verify checks every directive and that the command
// exists; it only warns (exit 0) about unknown keys and bad values, so
// any output fails the test too.
func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze := testkit.LookPath(t, "systemd-analyze", "Debian package systemd; scripts/install-test-deps.sh installs it")
	bin := schemagateBin.Path(t)
	text, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	// The unit names the installed path; verify it against the built binary.
	copied := filepath.Join(t.TempDir(), "schemagate.service")
	testkit.WriteFile(t, copied, []byte(strings.ReplaceAll(string(text), "/usr/local/bin/schemagate", bin)))
	out, err := exec.Command(analyze, "verify", copied).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// The unit's ExecStart, run as systemd would: READY=1 arrives on the
// notify socket once the gateway answers, ExecReload reloads it,
// and SIGTERM gets STOPPING=1 and exit code 0.
func TestSystemdUnitRuns(t *testing.T) {
	u := parseUnit(t, unitFile)
	root := t.TempDir()
	testkit.CopyTree(t, "../schemas", filepath.Join(root, "etc/schemagate/schemas"))
	testkit.CopyTree(t, "../configs", filepath.Join(root, "etc/schemagate"))
	workdir := inRoot(root, u.get("Service", "WorkingDirectory"))
	if err := os.MkdirAll(workdir, 0o750); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(t.TempDir(), "notify")
	notes := testkit.NotifySocket(t, socket)
	env := []string{"NOTIFY_SOCKET=" + socket, "SCHEMAGATE_LISTEN=127.0.0.1:0"}
	for _, kv := range u["Service"] {
		if kv[0] == "Environment" {
			env = append(env, inRoot(root, kv[1]))
		}
	}
	args := strings.Fields(inRoot(root, u.get("Service", "ExecStart")))
	g := start(t, workdir, env, args[1:]...)
	testkit.WaitNote(t, notes, "READY=1", 60*time.Second)
	g.probe(t, "/readyz")

	reload := strings.Fields(strings.ReplaceAll(u.get("Service", "ExecReload"), "$MAINPID", strconv.Itoa(g.Cmd.Process.Pid)))
	if out, err := exec.Command(reload[0], reload[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("ExecReload: %v\n%s", err, out)
	}
	testkit.WaitFor(t, 60*time.Second, "ExecReload to reload", func() bool {
		return strings.Contains(g.Logs.String(), `"msg":"reloaded","trigger":"SIGHUP"`)
	})
	g.probe(t, "/readyz")
	g.Stop(t, 30*time.Second)
	testkit.WaitNote(t, notes, "STOPPING=1", 60*time.Second)
}
