// Package whtest runs, for tests, a webhook receiver built on the Standard
// Webhooks reference library (npm "standardwebhooks", receiver.js), so that
// the gateway's signatures are judged by the spec's own code rather than
// by ours. scripts/install-test-deps.sh installs the library outside the
// repo; without node or the library the tests that need it skip and say so.
package whtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Delivery is one request the receiver judged.
type Delivery struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"` // the reference library verified it
	Dup     bool   `json:"dup"`
	Type    string `json:"type"`
	Version string `json:"version"`
	Body    string `json:"body"`
	Error   string `json:"error"`
}

// Receiver is a running receiver.js.
type Receiver struct {
	// URL is where it listens.
	URL string

	cmd  *exec.Cmd
	done chan struct{}

	mu  sync.Mutex
	got []Delivery
}

// Home is where the reference library is installed: $SCHEMAGATE_NPM_HOME,
// or schemagate-npm in the user's cache folder.
func Home() string {
	if h := os.Getenv("SCHEMAGATE_NPM_HOME"); h != "" {
		return h
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "schemagate-npm")
}

// Skip skips the test, saying why, when node or the reference library is
// missing; it returns where node and the library are.
func Skip(t testing.TB) (node, modules string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed, so no Standard Webhooks reference receiver; run scripts/install-test-deps.sh")
	}
	modules = filepath.Join(Home(), "standardwebhooks", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "standardwebhooks", "package.json")); err != nil {
		t.Skipf("the npm package standardwebhooks is not installed under %s; run scripts/install-test-deps.sh", modules)
	}
	return node, modules
}

// Start runs a receiver that accepts what any of secrets signed, on a free
// port, or on port when it is not 0. It skips the test when node or the
// library is missing, and stops the receiver when the test ends.
func Start(t testing.TB, port int, secrets ...string) *Receiver {
	t.Helper()
	node, modules := Skip(t)
	_, self, _, _ := runtime.Caller(0)
	cmd := exec.Command(node, filepath.Join(filepath.Dir(self), "receiver.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "WH_PORT="+strconv.Itoa(port), "WH_SECRETS="+strings.Join(secrets, " "))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &Receiver{cmd: cmd, done: make(chan struct{})}
	listening := make(chan int, 1)
	go r.read(out, listening)
	t.Cleanup(r.Stop)
	select {
	case p := <-listening:
		r.URL = fmt.Sprintf("http://127.0.0.1:%d", p)
	case <-r.done:
		t.Fatal("the receiver exited before it listened")
	case <-time.After(30 * time.Second):
		t.Fatal("the receiver did not listen within 30s")
	}
	return r
}

func (r *Receiver) read(out interface{ Read([]byte) (int, error) }, listening chan<- int) {
	defer close(r.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var first struct {
			Listening int `json:"listening"`
		}
		if json.Unmarshal(sc.Bytes(), &first) == nil && first.Listening > 0 {
			listening <- first.Listening
			continue
		}
		var d Delivery
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			d = Delivery{Error: "unreadable line from the receiver: " + sc.Text()}
		}
		r.mu.Lock()
		r.got = append(r.got, d)
		r.mu.Unlock()
	}
}

// Deliveries returns every delivery judged so far, in arrival order.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.got...)
}

// Wait returns the deliveries once cond holds for them, or fails the test
// after d.
func (r *Receiver) Wait(t testing.TB, d time.Duration, what string, cond func([]Delivery) bool) []Delivery {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := r.Deliveries()
		if cond(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s not reached; %d deliveries", d, what, len(got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the receiver; the port is free once it returns.
func (r *Receiver) Stop() {
	if r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
	}
	<-r.done
	_ = r.cmd.Wait()
}
