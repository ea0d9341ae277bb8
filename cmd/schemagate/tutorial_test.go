package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// tutorialPython is Debian's python3 with python3-websockets, which
// scripts/test.sh installs; the tutorial's clients need that library.
const tutorialPython = "/usr/bin/python3"

// runTutorialClient runs one of the tutorial's Python clients, as written
// except for the port, against addr.
func runTutorialClient(t *testing.T, script, addr string) string {
	t.Helper()
	if err := testkit.Command(t, time.Minute, tutorialPython, "-c", "import websockets").Run(); err != nil {
		t.Skipf("python3-websockets is not installed (scripts/test.sh installs it): %v", err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "tutorial", script))
	if err != nil {
		t.Fatal(err)
	}
	code := strings.ReplaceAll(string(src), "ws://localhost:8000", "ws://"+addr)
	out, err := testkit.Command(t, 30*time.Second, tutorialPython, "-W", "ignore", "-c", code).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return string(out)
}

func tutorialConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "configs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTutorialEchoClient(t *testing.T) {
	addr, _, _ := startServe(t, tutorialConfig(t, "tutorial-echo.yaml"), "--schemas", repoSchemas(t))
	if out := runTutorialClient(t, "echo_client.py", addr); strings.TrimSpace(out) != "Hello, server!" {
		t.Fatalf("the tutorial's client printed %q, want Hello, server!", out)
	}
}

func TestTutorialPersonClient(t *testing.T) {
	addr, logs, stop := startServe(t, tutorialConfig(t, "tutorial-person.yaml"), "--schemas", repoSchemas(t))
	runTutorialClient(t, "person_client.py", addr)
	// The client closes right after sending; stopping the server drains
	// the frame it sent, so the line is in the log once stop returns.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := logs.String()
	for _, want := range []string{`msg="John, 30, New York"`, `name=John`, `age=30`, `city="New York"`} {
		if !strings.Contains(log, want) {
			t.Fatalf("server log lacks %s:\n%s", want, log)
		}
	}
}
