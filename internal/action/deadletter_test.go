package action

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

type deadLine struct {
	Time        string `json:"time"`
	Frame       string `json:"frame"`
	FrameBase64 []byte `json:"frame_base64"`
	Error       *struct {
		Code    codes.Code      `json:"code"`
		Status  string          `json:"status"`
		Message string          `json:"message"`
		Details []status.Detail `json:"details"`
		Omitted int             `json:"omitted"`
	} `json:"error"`
}

func TestDeadLetter(t *testing.T) {
	invalid := &status.Error{
		Code:    codes.InvalidArgument,
		Message: "data does not match person/v2",
		Details: []status.Detail{{InstanceLocation: "/age", KeywordLocation: "/properties/age/minimum", Message: "must be >= 0"}},
		Omitted: 3,
		Cause:   os.ErrPermission, // internal: must not reach the file
	}
	tests := []struct {
		name     string
		frame    []byte
		err      *status.Error
		wantB64  bool
		wantText string // "frame" as decoded; empty means string(frame)
	}{
		{name: "JSON frame", frame: []byte(`{"id":"e1","type":"person","version":2,"data":{"age":-1}}`), err: invalid},
		{name: "not JSON", frame: []byte("hello <world>\n\ttab \"quoted\""), err: status.New(codes.InvalidArgument, "frame is not JSON")},
		{name: "control bytes", frame: []byte{0, 1, 2, 0x1f, 0x7f, '{'}, err: status.New(codes.InvalidArgument, "frame is not JSON")},
		{name: "invalid UTF-8", frame: []byte{'{', 0xff, 0xfe, '"', 0xc3, '}'}, err: status.New(codes.InvalidArgument, "frame is not UTF-8"),
			wantB64: true, wantText: "{\uFFFD\uFFFD\"\uFFFD}"},
		{name: "empty frame, no error", frame: []byte{}},
	}
	path := filepath.Join(t.TempDir(), "dead.ndjson")
	d, err := NewDeadLetter(DeadLetterConfig{FileConfig: FileConfig{Path: path}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if err := d.Record(context.Background(), tt.frame, tt.err); err != nil {
			t.Fatalf("%s: Record: %v", tt.name, err)
		}
	}
	closeOK(t, d)
	wantCode(t, d.Record(context.Background(), []byte("late"), nil), codes.Unavailable)

	raw, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
	if len(lines) != len(tests) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tests), raw)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantText := tt.wantText
			if wantText == "" {
				wantText = string(tt.frame)
			}
			got := decodeDeadLine(t, lines[i])
			if got.Frame != wantText {
				t.Errorf("frame = %q, want %q", got.Frame, wantText)
			}
			if tt.wantB64 != (got.FrameBase64 != nil) || (tt.wantB64 && !bytes.Equal(got.FrameBase64, tt.frame)) {
				t.Errorf("frame_base64 = %q, want the exact bytes only for invalid UTF-8", got.FrameBase64)
			}
			checkDeadError(t, got, tt.err)
		})
	}
}

// decodeDeadLine checks what holds for every line: valid JSON in UTF-8,
// a parsable time, no internal cause.
func decodeDeadLine(t *testing.T, line []byte) deadLine {
	t.Helper()
	if !json.Valid(line) || !utf8.Valid(line) {
		t.Fatalf("line is not valid JSON in UTF-8: %q", line)
	}
	if bytes.Contains(line, []byte("permission")) {
		t.Errorf("internal cause leaked: %s", line)
	}
	var got deadLine
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339Nano, got.Time); err != nil {
		t.Errorf("time %q: %v", got.Time, err)
	}
	return got
}

func checkDeadError(t *testing.T, got deadLine, want *status.Error) {
	t.Helper()
	if want == nil {
		if got.Error != nil {
			t.Errorf("error = %+v, want none", got.Error)
		}
		return
	}
	e := got.Error
	if e == nil || e.Code != want.Code || e.Status != want.Status() || e.Message != want.Message || e.Omitted != want.Omitted {
		t.Fatalf("error = %+v, want %v", e, want)
	}
	if len(e.Details) != len(want.Details) || (len(want.Details) > 0 && e.Details[0] != want.Details[0]) {
		t.Errorf("details = %+v, want %+v", e.Details, want.Details)
	}
}

func TestDeadLetterConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dead.ndjson")
	d, err := NewDeadLetter(DeadLetterConfig{FileConfig: FileConfig{Path: path, Sync: SyncInterval, Interval: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 50 {
				if err := d.Record(context.Background(), []byte{0xff, '\n', 'x'}, status.New(codes.InvalidArgument, "bad")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	closeOK(t, d)
	raw, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
	if len(lines) != 1000 {
		t.Fatalf("%d lines, want 1000", len(lines))
	}
	for _, l := range lines {
		if !json.Valid(l) {
			t.Fatalf("bad line %q", l)
		}
	}
}

// A flood of rejected frames cannot fill the disk: the dead letter keeps
// at most max_bytes in two generations, and counts what it dropped.
func TestDeadLetterCapped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dead.ndjson")
	var dropped atomic.Int64
	const maxBytes = 8 << 10
	d, err := NewDeadLetter(DeadLetterConfig{FileConfig: FileConfig{Path: path, Sync: SyncNever}, MaxBytes: maxBytes,
		Dropped: func(n int) { dropped.Add(int64(n)) }})
	if err != nil {
		t.Fatal(err)
	}
	frame := bytes.Repeat([]byte("x"), 200)
	const records = 500
	for i := 0; i < records; i++ {
		if err := d.Record(context.Background(), frame, status.New(codes.InvalidArgument, "not JSON")); err != nil {
			t.Fatal(err)
		}
	}
	// Bigger than half the cap: dropped alone, counted.
	if err := d.Record(context.Background(), bytes.Repeat([]byte("y"), maxBytes), nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var kept int64
	var size int64
	for _, p := range []string{path, path + ".1"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		size += int64(len(b))
		kept += int64(bytes.Count(b, []byte("\n")))
		for _, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
			if !json.Valid(line) {
				t.Fatalf("%s holds a torn line %q", p, line)
			}
		}
	}
	if size > maxBytes {
		t.Errorf("dead letter holds %d bytes, cap %d", size, maxBytes)
	}
	if kept == 0 || kept+dropped.Load() != records+1 {
		t.Errorf("kept %d + dropped %d, want %d records accounted for", kept, dropped.Load(), records+1)
	}
}

// Files the gateway makes are private unless the operator widens them:
// events may carry personal data.
func TestFileModes(t *testing.T) {
	for _, c := range []struct {
		mode, wantFile, wantDir os.FileMode
	}{
		{0, 0o600, 0o700},
		{0o640, 0o640, 0o750},
		{0o644, 0o644, 0o755},
	} {
		dir := filepath.Join(t.TempDir(), "data", "sub")
		path := filepath.Join(dir, "events.ndjson")
		f, err := NewFile(FileConfig{Path: path, Mode: c.mode})
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close(context.Background())
		fi, _ := os.Stat(path)
		di, _ := os.Stat(dir)
		if fi.Mode().Perm() != c.wantFile || di.Mode().Perm() != c.wantDir {
			t.Errorf("mode %o: file %o folder %o, want %o %o", c.mode, fi.Mode().Perm(), di.Mode().Perm(), c.wantFile, c.wantDir)
		}
	}
}
