package action

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"google.golang.org/grpc/codes"
)

// /dev/full fails every write with ENOSPC; nothing is written, so there is
// nothing to cut back, and each Do must fail with UNAVAILABLE.
func TestFileDevFull(t *testing.T) {
	probe, err := os.OpenFile("/dev/full", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	_, err = probe.Write([]byte("x\n"))
	probe.Close()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Skipf("writing /dev/full gave %v, not ENOSPC", err)
	}
	for _, p := range []SyncPolicy{SyncAlways, SyncInterval, SyncNever} {
		t.Run(string(p), func(t *testing.T) {
			f, err := NewFile(FileConfig{Path: "/dev/full", Sync: p})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 { // a failed batch must not wedge the next
				err := f.Do(context.Background(), testEvent(fmt.Sprint(i), `{}`))
				wantCode(t, err, codes.Unavailable)
				if !errors.Is(err, syscall.ENOSPC) {
					t.Errorf("cause = %v, want ENOSPC", err)
				}
			}
			closeOK(t, f)
		})
	}
}

// mountTmpfs mounts a tmpfs of size bytes, skipping the test where the
// sandbox does not allow it.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root and CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// A batch that hits ENOSPC halfway must be cut off again, leaving only
// whole lines, and the sink must work again once there is room.
func TestFileFullDiskCutsBackAndRecovers(t *testing.T) {
	for _, p := range []SyncPolicy{SyncAlways, SyncInterval, SyncNever} {
		t.Run(string(p), func(t *testing.T) {
			dir := mountTmpfs(t, 64<<10)
			path := filepath.Join(dir, "events.ndjson")
			f, err := NewFile(FileConfig{Path: path, Sync: p})
			if err != nil {
				t.Fatal(err)
			}
			defer closeOK(t, f)
			big := `{"pad":"` + strings.Repeat("x", 3000) + `"}` // a line spans pages, so ENOSPC strikes mid-line
			var written []string
			for i := 0; ; i++ {
				id := fmt.Sprintf("e%d", i)
				err := f.Do(context.Background(), testEvent(id, big))
				if err != nil {
					wantCode(t, err, codes.Unavailable)
					if !errors.Is(err, syscall.ENOSPC) {
						t.Fatalf("cause = %v, want ENOSPC", err)
					}
					break
				}
				written = append(written, id)
				if i > 100 {
					t.Fatal("the 64 KiB tmpfs never filled")
				}
			}
			assertIDs(t, path, written)
			// Still full: another failure, and still only whole lines.
			if err := f.Do(context.Background(), testEvent("again", big)); err == nil {
				t.Fatal("Do succeeded on a full disk")
			}
			assertIDs(t, path, written)

			// Free room by dropping the oldest lines, as an operator
			// rotating the file would, and events must flow again.
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			if err := f.Do(context.Background(), testEvent("after", big)); err != nil {
				t.Fatalf("Do after space returned: %v", err)
			}
			assertIDs(t, path, []string{"after"})
		})
	}
}

func assertIDs(t *testing.T, path string, want []string) {
	t.Helper()
	lines := readLines(t, path)
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		if l.ID != want[i] {
			t.Fatalf("line %d has id %s, want %s", i, l.ID, want[i])
		}
	}
}
