package deploy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
}

// stage is a FROM and what follows it.
type stage struct {
	from string
	ins  []instruction
}

func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	var stages []stage
	var cur strings.Builder
	for _, line := range testkit.FileLines(t, path) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, stage{from: in.args})
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s: %s before FROM", path, in.cmd)
		}
		stages[len(stages)-1].ins = append(stages[len(stages)-1].ins, in)
	}
	return stages
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.ins {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// last is the stage's last instruction cmd, which is the one in effect.
func (s stage) last(t *testing.T, cmd string) string {
	t.Helper()
	all := s.all(cmd)
	if len(all) == 0 {
		t.Fatalf("the final stage has no %s", cmd)
	}
	return all[len(all)-1].args
}

func execForm(t *testing.T, what, args string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		t.Fatalf("%s %s: want the exec (JSON) form, so signals reach the gateway: %v", what, args, err)
	}
	return out
}

// No docker engine runs here, so the Dockerfile is checked for what the
// image must be, and its command is run on the files it copies.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "Dockerfile")
	if len(stages) < 2 || !strings.HasSuffix(stages[0].from, " AS build") {
		t.Fatalf("want a multi-stage build starting with a build stage, got %d stages", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if run := build.all("RUN"); len(run) == 0 || !strings.Contains(run[len(run)-1].args, "CGO_ENABLED=0 go build") {
		t.Error("the build stage must build a static binary (CGO_ENABLED=0 go build)")
	}
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		t.Errorf("final base %q: want a minimal one (distroless static or scratch)", final.from)
	}
	if user := final.last(t, "USER"); user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q: want a non-root user", user)
	}
	health := final.last(t, "HEALTHCHECK")
	_, hc, _ := strings.Cut(health, "CMD ")
	healthCmd := execForm(t, "HEALTHCHECK CMD", hc)
	if !strings.HasSuffix(healthCmd[len(healthCmd)-1], "/healthz") {
		t.Errorf("HEALTHCHECK %q does not probe /healthz", health)
	}
	volumes := strings.Join(execForm(t, "VOLUME", final.last(t, "VOLUME")), " ")
	for _, v := range []string{"/etc/schemagate/schemas", "/etc/schemagate/config", "/var/lib/schemagate"} {
		if !strings.Contains(volumes, v) {
			t.Errorf("VOLUME lacks %s", v)
		}
	}
	entry := execForm(t, "ENTRYPOINT", final.last(t, "ENTRYPOINT"))
	command := execForm(t, "CMD", final.last(t, "CMD"))
	if healthCmd[0] != entry[0] {
		t.Errorf("HEALTHCHECK runs %s, the image's binary is %s", healthCmd[0], entry[0])
	}
	runImage(t, final, append(entry[1:], command...), healthCmd)
}

// runImage lays out the final stage's files in a stand-in root, runs its
// command with its environment and working directory, and runs the health
// check against it.
func runImage(t *testing.T, final stage, args, healthCmd []string) {
	root := t.TempDir()
	for _, in := range final.all("COPY") {
		f := strings.Fields(in.args)
		if strings.HasPrefix(f[0], "--from=") {
			continue // the binary, built by the test instead
		}
		src, dst := filepath.Join("..", f[0]), inRoot(root, f[1])
		st, err := os.Stat(src)
		if err != nil {
			t.Fatalf("COPY %s: %v", f[0], err)
		}
		if st.IsDir() {
			testkit.CopyTree(t, src, dst)
		} else if data, err := os.ReadFile(src); err != nil {
			t.Fatalf("COPY %s: %v", f[0], err)
		} else {
			testkit.WriteFile(t, dst, data)
		}
	}
	workdir := inRoot(root, final.last(t, "WORKDIR"))
	if err := os.MkdirAll(workdir, 0o750); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range strings.Fields(final.last(t, "ENV")) {
		env = append(env, inRoot(root, kv))
	}
	env = append(env, "SCHEMAGATE_LISTEN=127.0.0.1:0") // after the image's, so it wins
	for i := range args {
		args[i] = inRoot(root, args[i])
	}
	g := start(t, workdir, env, args...)
	probe := strings.ReplaceAll(strings.Join(healthCmd[1:], " "), "127.0.0.1:8080", g.Addr)
	g.run(t, strings.Fields(probe)...)
	g.Stop(t, 30*time.Second)
}
