package report

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// TestPrintable escapes what a terminal would act on, and nothing else.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"p-1":               "p-1",
		"São Paulo 東京":      "São Paulo 東京",
		"evil\x1b[2J":       `evil\x1b[2J`,
		"line\nbreak\ttab":  `line\nbreak\ttab`,
		"rtl\u202eoverride": `rtl\u202eoverride`,
		"bad\xffbyte":       `bad\xffbyte`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSpoolSpills moves to a temporary file past its memory limit, reads
// back every byte in order, and removes the file when closed.
func TestSpoolSpills(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := newSpool()
	s.limit = 64
	var want bytes.Buffer
	for i := range 50 {
		chunk := strings.Repeat(string(rune('a'+i%26)), 1+i%7)
		want.WriteString(chunk)
		if _, err := s.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil {
		t.Fatal("the spool stayed in memory past its limit")
	}
	name := s.file.Name()
	rd, err := s.reader()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rd)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("read back %q (%v), want %q", got, err, want.Bytes())
	}
	s.close()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Fatalf("temporary file %s left behind (%v)", name, err)
	}
}
