package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/testkit"
)

func TestFileConcurrentDo(t *testing.T) {
	const goroutines, perG = 50, 200
	policies := []FileConfig{
		{Sync: SyncAlways},
		{Sync: SyncInterval, Interval: 5 * time.Millisecond},
		{Sync: SyncNever},
		{Sync: SyncNever, MaxBatch: 300}, // a queue of three lines: Do waits for room
	}
	for _, cfg := range policies {
		t.Run(fmt.Sprintf("%s/maxbatch=%d", cfg.Sync, cfg.MaxBatch), func(t *testing.T) {
			cfg.Path = filepath.Join(t.TempDir(), "events.ndjson")
			f, err := NewFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			testkit.Concurrently(goroutines, func(g int) {
				for i := range perG {
					id := fmt.Sprintf("g%d-%d", g, i)
					if err := f.Do(context.Background(), testEvent(id, fmt.Sprintf(`{"g":%d,"i":%d}`, g, i))); err != nil {
						t.Errorf("Do(%s): %v", id, err)
						return
					}
				}
			})
			closeOK(t, f)

			lines := readLines(t, cfg.Path)
			if len(lines) != goroutines*perG {
				t.Fatalf("%d lines, want %d", len(lines), goroutines*perG)
			}
			seen := make(map[string]bool, len(lines))
			for _, l := range lines {
				if seen[l.ID] {
					t.Fatalf("id %s twice", l.ID)
				}
				seen[l.ID] = true
				var g, i int
				fmt.Sscanf(l.ID, "g%d-%d", &g, &i)
				if want := fmt.Sprintf(`{"g":%d,"i":%d}`, g, i); string(l.Data) != want || l.Type != "person" || l.Version != 2 {
					t.Fatalf("line %+v, want data %s", l, want)
				}
			}
		})
	}
}

func TestFileAppendsAndReceivedIsRFC3339Nano(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.ndjson")
	for _, id := range []string{"a", "b"} { // two opens: the second appends
		f, err := NewFile(FileConfig{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Do(context.Background(), testEvent(id, `{}`)); err != nil {
			t.Fatal(err)
		}
		closeOK(t, f)
	}
	lines := readLines(t, path)
	if len(lines) != 2 || lines[0].ID != "a" || lines[1].ID != "b" {
		t.Fatalf("lines = %+v", lines)
	}
	if _, err := time.Parse(time.RFC3339Nano, lines[0].Received); err != nil || lines[0].Received != "2026-01-02T03:04:05.000000006Z" {
		t.Errorf("received = %q (%v)", lines[0].Received, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v (%v), want 0600", fi.Mode(), err)
	}
}

func TestFileRefusals(t *testing.T) {
	f, err := NewFile(FileConfig{Path: filepath.Join(t.TempDir(), "events.ndjson")})
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	wantCode(t, f.Do(canceled, testEvent("c", `{}`)), codes.Unavailable)
	wantCode(t, f.Do(context.Background(), testEvent("bad", `{"a":`)), codes.Internal)
	closeOK(t, f)
	closeOK(t, f) // a second Close reports the same outcome
	wantCode(t, f.Do(context.Background(), testEvent("late", `{}`)), codes.Unavailable)
}

func TestFileConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		cfg  FileConfig
		want codes.Code
	}{
		{"no path", FileConfig{}, codes.InvalidArgument},
		{"unknown policy", FileConfig{Path: filepath.Join(dir, "x"), Sync: "sometimes"}, codes.InvalidArgument},
		{"folder is a file", FileConfig{Path: filepath.Join(dir, "plain", "x")}, codes.FailedPrecondition},
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFile(tt.cfg)
			wantCode(t, err, tt.want)
		})
	}
}

func TestFileCreatesItsFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "deeper", "events.ndjson")
	f, err := NewFile(FileConfig{Path: path})
	if err != nil {
		t.Fatalf("NewFile: %v", err)
	}
	if err := f.Do(context.Background(), testEvent("a", `{}`)); err != nil {
		t.Fatal(err)
	}
	closeOK(t, f)
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), `"id":"a"`) {
		t.Fatalf("file = %q, %v", b, err)
	}
}

// A crash mid-batch leaves a partial last line; opening the file again
// must cut it, or the next line would be glued to it.
func TestFileCutsTornTailOnOpen(t *testing.T) {
	tests := []struct {
		name, before, want string
	}{
		{"torn line", `{"id":"a"}` + "\n" + `{"id":"b","ty`, `{"id":"a"}` + "\n"},
		{"only a torn line", `{"id":"b","ty`, ``},
		{"whole lines untouched", `{"id":"a"}` + "\n", `{"id":"a"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "events.ndjson")
			if err := os.WriteFile(path, []byte(tt.before), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := NewFile(FileConfig{Path: path})
			if err != nil {
				t.Fatal(err)
			}
			closeOK(t, f)
			got, _ := os.ReadFile(path)
			if string(got) != tt.want {
				t.Errorf("file = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFileRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.bin")
	junk := make([]byte, 2048) // no line end in far more than a batch
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewFile(FileConfig{Path: path, MaxBatch: 512})
	wantCode(t, err, codes.FailedPrecondition)
	if fi, _ := os.Stat(path); fi.Size() != 2048 {
		t.Errorf("the file was changed: size %d", fi.Size())
	}
}

func BenchmarkFileDo(b *testing.B) {
	for _, p := range []SyncPolicy{SyncAlways, SyncInterval, SyncNever} {
		b.Run(string(p), func(b *testing.B) {
			f, err := NewFile(FileConfig{Path: filepath.Join(b.TempDir(), "events.ndjson"), Sync: p})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close(context.Background())
			ev := testEvent("bench", `{"name":"Ada Lovelace","born":1815,"tags":["math","engines"]}`)
			b.SetParallelism(16) // many connections per CPU, as in the gateway
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := f.Do(context.Background(), ev); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
