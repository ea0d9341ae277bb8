package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testkit"
)

// benchConfig serves the shipped schemas the way configs/bench.yaml serves
// the benchmark's: echo echoes, everything else is acked once valid.
func benchConfig(t *testing.T) string {
	return "schemas: {dir: " + repoSchemas(t) + "}\nhandlers: [echo/v1]\ndefault_actions: []\n"
}

func TestBenchCleanRun(t *testing.T) {
	addr, _, grpcAddr := startGRPCServe(t, benchConfig(t))
	t.Run("ws", func(t *testing.T) { checkCleanBench(t, "ws://"+addr+"/ws", "8") })
	// One frame in flight runs each connection in lockstep on one goroutine.
	t.Run("ws 1 in flight", func(t *testing.T) { checkCleanBench(t, "ws://"+addr+"/ws", "1") })
	t.Run("grpc", func(t *testing.T) { checkCleanBench(t, "grpc://"+grpcAddr, "8") })
	t.Run("grpc 1 in flight", func(t *testing.T) { checkCleanBench(t, "grpc://"+grpcAddr, "1") })
}

// checkCleanBench runs the mixed workload against url with inFlight
// frames in flight per connection: every frame answered once and as the
// workload says.
func checkCleanBench(t *testing.T, url, inFlight string) {
	r, progress := runBenchJSON(t, "--url", url, "--workload", "../../internal/bench/testdata/mixed.ndjson",
		"-c", "4", "-n", inFlight, "--count", "2000", "--warmup", "100ms")
	if !r.OK || r.Lost+r.Duplicated+r.Mismatched != 0 || r.Acked == 0 || r.Rejected == 0 || r.Acked+r.Rejected != r.Sent {
		t.Fatalf("run not clean: %+v", r)
	}
	if progress != "" {
		t.Fatalf("progress written to a stream that is not a terminal: %q", progress)
	}
}

// benchResult is what `bench --json` prints that the tests look at.
type benchResult struct {
	Sent, Acked, Rejected, Lost, Duplicated, Mismatched int64
	OK                                                  bool
}

// runBenchJSON runs bench --json in-process with args and returns its
// result and what it wrote to stderr; a failed run fails the test.
func runBenchJSON(t *testing.T, args ...string) (benchResult, string) {
	t.Helper()
	var out, errOut testkit.Buffer
	err := run(context.Background(), append([]string{"bench", "--json"}, args...), strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatalf("bench: %v\n%s%s", err, out.String(), errOut.String())
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out.String())
	}
	return r, errOut.String()
}

func TestBenchIdle(t *testing.T) {
	addr, _, _ := startServe(t, benchConfig(t))
	var out testkit.Buffer
	err := run(context.Background(), []string{"bench", "--url", "ws://" + addr + "/ws",
		"--idle", "50", "--hold", "50ms"}, strings.NewReader(""), &out, &out)
	if err != nil || !strings.Contains(out.String(), "holding 50 idle connections") {
		t.Fatalf("bench --idle: %v\n%s", err, out.String())
	}
}

func TestBenchNeedsWorkload(t *testing.T) {
	_, err := runCLI("bench", "--url", "ws://127.0.0.1:1/ws")
	if exitCode(err) != 2 {
		t.Fatalf("bench without --workload: exit %d, %v", exitCode(err), err)
	}
}

// The gRPC mode writes HTTP/2 frames itself: events larger than a frame
// and than the server's initial windows go out split and paced by flow
// control, and each is answered once. At one frame in flight the one
// goroutine of the connection reads the window's updates itself.
func TestBenchGRPCLargeEvents(t *testing.T) {
	_, _, grpcAddr := startGRPCServe(t, benchConfig(t))
	wl := filepath.Join(t.TempDir(), "large.ndjson")
	big := strings.Repeat("x", 200<<10)
	testkit.WriteFile(t, wl, []byte(`{"valid":true,"frame":{"type":"echo","version":1,"data":"`+big+`"}}`+"\n"+
		`{"valid":true,"frame":{"type":"echo","version":1,"data":1}}`+"\n"))
	for _, inFlight := range []string{"8", "1"} {
		r, _ := runBenchJSON(t, "--url", "grpc://"+grpcAddr, "--workload", wl, "-c", "2", "-n", inFlight, "--count", "200", "--warmup", "0")
		if !r.OK || r.Acked != r.Sent || r.Sent == 0 {
			t.Fatalf("-n %s: run not clean: %+v", inFlight, r)
		}
	}
}
