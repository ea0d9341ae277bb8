package testkit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// SharedBench is the benchmark material beside the repo (../shared/bench),
// as seen from a package two levels below the repo's root (internal/x).
const SharedBench = "../../../shared/bench"

// WorkloadLine is one line of a shared workload: a frame, and whether the
// shared schemas take it.
type WorkloadLine struct {
	Valid bool            `json:"valid"`
	Frame json.RawMessage `json:"frame"`
}

// Workload reads the first max lines (every line when max < 0) of the
// shared workload name (SharedBench/workloads/name.ndjson); the test skips
// when it is not there, and fails on a line that is not a workload line.
func Workload(t testing.TB, name string, max int) []WorkloadLine {
	t.Helper()
	f, err := os.Open(filepath.Join(SharedBench, "workloads", name+".ndjson"))
	if err != nil {
		t.Skipf("workload %s not available: %v", name, err)
	}
	defer f.Close()
	var out []WorkloadLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() && len(out) != max {
		var w WorkloadLine
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil || w.Frame == nil {
			t.Fatalf("workload %s line %d: %v", name, len(out)+1, err)
		}
		out = append(out, w)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("workload %s: %v", name, err)
	}
	return out
}

// Envelope is the line's frame with its id set to id, so that each frame a
// test sends is told apart in the replies.
func (w WorkloadLine) Envelope(t testing.TB, id string) []byte {
	t.Helper()
	var frame map[string]json.RawMessage
	if err := json.Unmarshal(w.Frame, &frame); err != nil {
		t.Fatalf("workload frame %s: %v", w.Frame, err)
	}
	frame["id"] = json.RawMessage(strconv.Quote(id))
	b, err := json.Marshal(frame)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Sent is the line's frame as the load generator (and the SDK) sends it:
// the id first, then the frame's own members in their order, so type and
// version come before data (Envelope's members are sorted: data first).
func (w WorkloadLine) Sent(id string) []byte {
	body := bytes.TrimSpace(bytes.TrimSpace(w.Frame)[1:]) // past '{'
	if body[0] == '}' {
		return []byte(`{"id":` + strconv.Quote(id) + `}`)
	}
	return append([]byte(`{"id":`+strconv.Quote(id)+`,`), body...)
}
