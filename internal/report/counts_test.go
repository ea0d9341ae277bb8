package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestCountsAddUp feeds a file where every kind of line appears, malformed
// ones of every sort among them, and checks that every line is accounted
// for: each non-blank line is exactly one result, at its own line number,
// with the expected outcome, and the summary adds up to the lines read.
func TestCountsAddUp(t *testing.T) {
	long := `{"id":"l","type":"person","version":1,"data":{"name":"` + strings.Repeat("x", 3000) + `"}}`
	kinds := []struct{ line, status string }{
		{`{"id":"v","type":"person","version":1,"data":{"name":"a","age":1,"city":"b"}}`, "valid"},
		{`{"id":"i","type":"person","version":1,"data":{"name":"a","age":-1,"city":"b"}}`, "invalid"},
		{`{"id":"u","type":"person","version":9,"data":{}}`, "unknown"},
		{`{"id":"t","type":"person","version":1,"data":{"name":`, "malformed"}, // truncated
		{`[{"id":"a"}]`, "malformed"}, // not an object
		{`{"id":"d","id":"e","type":"person","version":1,"data":{}}`, "malformed"},       // duplicate key
		{`{"id":"s","type":"person","version":"1","data":{}}`, "malformed"},              // version as a string
		{"{\"id\":\"\xff\",\"type\":\"person\",\"version\":1,\"data\":{}}", "malformed"}, // invalid UTF-8
		{`garbage`, "malformed"},
		{long, "malformed"}, // over MaxRecordBytes
		{"", "blank"},
		{" \t", "blank"},
		{`{"id":"c","type":"person","version":1,"data":{"name":"a","age":1,"city":"b"}}` + "\r", "valid"}, // CRLF
	}
	var in bytes.Buffer
	var want []string
	blanks := 0
	for i := range 3000 {
		k := kinds[(i*7+i/13)%len(kinds)]
		in.WriteString(k.line + "\n")
		if k.status == "blank" {
			blanks++
			continue
		}
		want = append(want, fmt.Sprintf("%d:%s", i+1, k.status))
	}
	// A last line without a newline is still a line.
	in.WriteString(kinds[1].line)
	want = append(want, fmt.Sprintf("%d:invalid", 3001))

	path := writeInput(t, "mixed.ndjson", in.Bytes())
	results, sum := runStream(t, Options{Inputs: []string{path}, Workers: 4, MaxRecordBytes: 2048, now: pinnedClock()})

	if got := statuses(results); !slices.Equal(got, want) {
		t.Fatalf("results differ from the lines written (%d results, %d expected)", len(got), len(want))
	}
	if sum.Read != len(want) || sum.Blank != blanks {
		t.Fatalf("read %d, blank %d; want %d and %d", sum.Read, sum.Blank, len(want), blanks)
	}
	if sum.Valid+sum.Invalid+sum.Unknown+sum.Malformed != sum.Read {
		t.Fatalf("counts do not add up: %+v", sum)
	}
	if sum.Read+sum.Blank != 3001 {
		t.Fatalf("read %d + blank %d is not the 3001 lines written", sum.Read, sum.Blank)
	}
	byKey := 0
	for _, k := range sum.ByKey {
		byKey += k.Read
	}
	if byKey+sum.Malformed != sum.Read {
		t.Fatalf("per-key reads %d + malformed %d != read %d", byKey, sum.Malformed, sum.Read)
	}
	if sum.ExitCode() != 1 {
		t.Fatalf("exit code %d, want 1", sum.ExitCode())
	}
}
