package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
)

// reloadWorkload writes a bench workload of person v1 frames whose
// verdicts no reload in the proof changes: valid ages 0 to 100 (the
// maximum moves between 150 and 200), invalid ones negative or missing.
func reloadWorkload(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for age := 0; age <= 100; age++ {
		fmt.Fprintf(&b, `{"valid":true,"frame":{"type":"person","version":1,"data":{"name":"John","age":%d}}}`+"\n", age)
		if age%10 == 0 {
			fmt.Fprintf(&b, `{"valid":false,"frame":{"type":"person","version":1,"data":{"name":"John","age":-%d}}}`+"\n", age+1)
			b.WriteString(`{"valid":false,"frame":{"type":"person","version":1,"data":{"name":"John"}}}` + "\n")
		}
	}
	p := filepath.Join(dir, "workload.ndjson")
	testkit.WriteFile(t, p, []byte(b.String()))
	return p
}

// benchJSON is what `schemagate bench --json` prints.
type benchJSON struct {
	Sent, Acked, Rejected, Lost, Duplicated, Mismatched, Malformed int64
	ConnErrors                                                     int `json:"conn_errors"`
	Errors, Samples                                                []string
	OK                                                             bool
}

// The proof the issue asks for, with the real binary and `schemagate
// bench` driving load: 100 reloads, in turn adding a version, changing a
// bound and offering a broken tree, by POST /v1/admin/reload and by
// SIGHUP. No connection is closed, no frame is lost, answered twice or
// judged wrongly, and a frame for each added version is accepted on an
// open connection right after the reload that added it. The load runs
// until the reloads are done (then bench is interrupted, drains and
// reports), so a slow machine makes the test slower, never red.
func TestBinaryReloadsUnderLoad(t *testing.T) {
	bin := schemagateBin.Path(t)
	tree := newReloadTree(t)
	tree.configure("interval", "")
	workload := reloadWorkload(t, tree.dir)
	srv := serveBinary(t, tree.config, nil, "--grpc-listen", "")

	var benchOut bytes.Buffer
	benchCmd := exec.Command(bin, "bench", "--url", "ws://"+srv.Addr+"/ws", "--workload", workload,
		"--conns", "8", "--in-flight", "8", "--duration", "1h", "--warmup", "0s", "--drain-timeout", "2m", "--json")
	benchCmd.Stdout = &benchOut
	benchLog := &testkit.Buffer{}
	benchCmd.Stderr = benchLog
	if err := benchCmd.Start(); err != nil {
		t.Fatal(err)
	}
	benchDone := make(chan error, 1)
	go func() { benchDone <- benchCmd.Wait() }()
	t.Cleanup(func() { _ = benchCmd.Process.Kill() })
	testkit.WaitFor(t, 2*time.Minute, "bench's frames to arrive", func() bool {
		line := metricLine(t, srv.Addr, `schemagate_frames_total{code="OK",transport="ws",type="person",version="1"} `)
		return line != "" && !strings.HasSuffix(line, " 0")
	})

	probe := hDial(t, srv.Addr, "/ws", nil)
	max, versions := 150, 1
	var refused, applied, hups int
	start := time.Now()
	for i := range 100 {
		switch i % 3 {
		case 0: // a new version, accepted at once
			versions++
			tree.person(versions, 200)
			mustReload(t, srv.Addr, true, srv.Logs)
			if r := hSend(t, probe, personV(fmt.Sprint("v", i), versions, 30)); !r.OK {
				t.Fatalf("reload %d: a frame for the added person v%d was refused: %+v", i, versions, r)
			}
			applied++
		case 1: // a bound, every other time by SIGHUP: age 180 is valid exactly when the maximum is 200
			max = 350 - max
			tree.person(1, max)
			if i%2 == 1 {
				hupReload(t, srv)
				hups++
			} else {
				mustReload(t, srv.Addr, true, srv.Logs)
			}
			if r := hSend(t, probe, personV(fmt.Sprint("b", i), 1, 180)); r.OK != (max == 200) {
				t.Fatalf("reload %d: age 180 under a maximum of %d: ok %v", i, max, r.OK)
			}
			applied++
		case 2: // a broken tree: refused, nothing changes
			tree.write("schemas/broken/v1.json", "{")
			mustReload(t, srv.Addr, false, srv.Logs)
			tree.remove("schemas/broken/v1.json")
			refused++
		}
		select {
		case err := <-benchDone:
			t.Fatalf("the load ended (%v) before reload %d: reloads must run under load\n%s\n%s", err, i, benchOut.String(), benchLog.String())
		default:
		}
	}
	reloading := time.Since(start)
	// Interrupted, bench stops sending, waits for every reply it is owed
	// and prints its tally.
	if err := benchCmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-benchDone:
	case <-time.After(5 * time.Minute):
		t.Fatal("bench did not finish after the interrupt")
	}
	var r benchJSON
	if err := json.Unmarshal(benchOut.Bytes(), &r); err != nil {
		t.Fatalf("bench output %q: %v\n%s", benchOut.String(), err, benchLog.String())
	}
	if !r.OK || r.Lost != 0 || r.Duplicated != 0 || r.Mismatched != 0 || r.Malformed != 0 || r.ConnErrors != 0 || r.Sent == 0 {
		t.Fatalf("under reloads: %+v\n%s", r, tail(srv.Logs.String()))
	}
	if r := hSend(t, probe, personV("last", versions, 30)); !r.OK {
		t.Fatalf("the probe connection after the reloads: %+v", r)
	}
	srv.Stop(t, 2*time.Minute)
	t.Logf("%d reloads in %v (%d applied, %d of them by SIGHUP; %d refused) under load: bench sent %d frames "+
		"(%d acked, %d rejected), 0 lost, 0 duplicated, 0 misjudged, 0 connection errors", applied+refused,
		reloading.Round(time.Millisecond), applied, hups, refused, r.Sent, r.Acked, r.Rejected)
}

// mustReload posts a reload and checks whether it applied.
func mustReload(t *testing.T, addr string, wantApplied bool, logs *testkit.Buffer) {
	t.Helper()
	code, a := postReload(t, addr, "")
	if a.Applied != wantApplied || (code == 200) != wantApplied {
		t.Fatalf("reload: %d %+v, want applied %v\n%s", code, a, wantApplied, tail(logs.String()))
	}
}

// hupReload sends SIGHUP and waits for the reload it starts to be logged
// as applied.
func hupReload(t *testing.T, s *testkit.Process) {
	t.Helper()
	const applied = `"msg":"reloaded","trigger":"SIGHUP"`
	before := strings.Count(s.Logs.String(), applied)
	s.Signal(t, syscall.SIGHUP)
	testkit.WaitFor(t, 2*time.Minute, "the SIGHUP reload", func() bool {
		return strings.Count(s.Logs.String(), applied) > before
	})
}
