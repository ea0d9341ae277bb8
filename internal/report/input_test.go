package report

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
)

const (
	validLine   = `{"id":"v","type":"person","version":1,"data":{"name":"a","age":1,"city":"b"}}`
	invalidLine = `{"id":"i","type":"person","version":1,"data":{"name":"a","age":-1,"city":"b"}}`
)

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGzipByMagic reads a compressed file whose name does not say so, and
// standard input compressed, and expects the same results as plain text.
func TestGzipByMagic(t *testing.T) {
	plain, err := os.ReadFile("testdata/events/envelopes.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := runStream(t, Options{Inputs: []string{writeInput(t, "plain.ndjson", plain)}, now: pinnedClock()})
	fromFile, _ := runStream(t, Options{Inputs: []string{writeInput(t, "capture.ndjson", gzipped(t, plain))}, now: pinnedClock()})
	fromStdin, _ := runStream(t, Options{Inputs: []string{"-"}, Stdin: bytes.NewReader(gzipped(t, plain)), now: pinnedClock()})
	for name, got := range map[string][]streamed{"file": fromFile, "stdin": fromStdin} {
		if !slices.Equal(statuses(got), statuses(want)) {
			t.Errorf("gzip from %s: %v, want %v", name, statuses(got), statuses(want))
		}
	}
	if fromStdin[0].Source != stdinName {
		t.Errorf("stdin source is named %q, want %q", fromStdin[0].Source, stdinName)
	}
}

// TestCorruptGzip reports a stream cut short as one malformed record at
// the line reached, and goes on with the next input.
func TestCorruptGzip(t *testing.T) {
	z := gzipped(t, []byte(strings.Repeat(validLine+"\n", 50)))
	broken := writeInput(t, "broken.ndjson.gz", z[:len(z)-12])
	next := writeInput(t, "next.ndjson", []byte(validLine+"\n"))
	results, sum := runStream(t, Options{Inputs: []string{broken, next}, now: pinnedClock()})
	last := results[len(results)-2]
	if last.Status != "malformed" || !strings.Contains(last.Error.Message, "cannot be read on") {
		t.Fatalf("the cut-short stream ends with %+v, want a malformed record saying so", last)
	}
	if results[len(results)-1].Source != next || sum.Malformed != 1 {
		t.Fatalf("the run did not go on with the next input: %+v", sum)
	}
}

// TestArrays covers a JSON array's own syntax around the elements: each
// element is one record at the line it starts on, and a broken array is
// reported where it breaks.
func TestArrays(t *testing.T) {
	echo := `{"id":"x\"]","type":"echo","version":1,"data":"]},[{\\"}`
	cases := []struct {
		name, in string
		want     []string
	}{
		{"empty", "[]", nil},
		{"empty on lines", "[\n]\n", nil},
		{"leading space", "  \n[" + validLine + "]", []string{"2:valid"}},
		{"one a line", "[\n" + validLine + ",\n" + invalidLine + "\n]\n", []string{"2:valid", "3:invalid"}},
		{"not closed", "[" + validLine + ",\n" + validLine, []string{"1:valid", "2:malformed"}},
		{"double comma", "[" + validLine + ",," + validLine + "]", []string{"1:valid", "1:malformed", "1:valid"}},
		{"trailing comma", "[" + validLine + ",]", []string{"1:valid", "1:malformed"}},
		{"content after", "[" + validLine + "]\nmore", []string{"1:valid", "2:malformed"}},
		{"brackets in strings", "[" + echo + "]", []string{"1:valid"}},
		{"not an envelope", "[1, " + validLine + "]", []string{"1:malformed", "1:valid"}},
		{"bad element goes on", "[{\"id\": 1e},\n" + validLine + "]", []string{"1:malformed", "2:valid"}},
		{"too long", "[\"" + strings.Repeat("x", 300) + "\",\n" + validLine + "]", []string{"1:malformed", "2:valid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeInput(t, "a.json", []byte(c.in))
			results, sum := runStream(t, Options{Inputs: []string{p}, MaxRecordBytes: 256, now: pinnedClock()})
			if got := statuses(results); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if sum.Read != len(c.want) {
				t.Fatalf("read %d, want %d", sum.Read, len(c.want))
			}
		})
	}
}

// TestDocuments reads a hand-written, pretty-printed envelope as one
// record, and two in one file as one malformed record rather than as a
// line-by-line mess.
func TestDocuments(t *testing.T) {
	one := "\n{\n  \"id\": \"d\", \"type\": \"person\", \"version\": 1,\n  \"data\": {\"name\": \"a\", \"age\": 1, \"city\": \"b\"}\n}\n"
	for _, c := range []struct {
		in   string
		want []string
	}{
		{one, []string{"2:valid"}},
		{"\xEF\xBB\xBF" + one, []string{"2:valid"}},
		{one + one, []string{"2:malformed"}},
	} {
		results, _ := runStream(t, Options{Inputs: []string{writeInput(t, "doc.json", []byte(c.in))}, now: pinnedClock()})
		if got := statuses(results); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.in, got, c.want)
		}
	}
}

// TestByteOrderMark ignores a UTF-8 BOM at the start of an NDJSON file.
func TestByteOrderMark(t *testing.T) {
	p := writeInput(t, "bom.ndjson", []byte("\xEF\xBB\xBF"+validLine+"\n"+validLine+"\n"))
	if results, _ := runStream(t, Options{Inputs: []string{p}, now: pinnedClock()}); !slices.Equal(statuses(results), []string{"1:valid", "2:valid"}) {
		t.Fatalf("got %v", statuses(results))
	}
}

// TestFolders walks folders in lexical order, reads only names that say
// JSON (compressed or not), and leaves hidden entries out.
func TestFolders(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"b.ndjson":          []byte(validLine + "\n"),
		"a/z.jsonl":         []byte(validLine + "\n"),
		"a/y.json.gz":       gzipped(t, []byte(validLine+"\n")),
		"README.md":         []byte("# not events\n"),
		".hidden.ndjson":    []byte("not read\n"),
		".git/x.json":       []byte("not read\n"),
		"c/NOTES.NDJSON":    []byte(validLine + "\n"),
		"c/schema.json.bak": []byte("not read\n"),
	}
	for name, b := range files {
		testkit.WriteFile(t, filepath.Join(dir, name), b)
	}
	results, _ := runStream(t, Options{Inputs: []string{dir}, now: pinnedClock()})
	var got []string
	for _, r := range results {
		rel, _ := filepath.Rel(dir, r.Source)
		got = append(got, filepath.ToSlash(rel))
	}
	want := []string{"a/y.json.gz", "a/z.jsonl", "b.ndjson", "c/NOTES.NDJSON"}
	if !slices.Equal(got, want) {
		t.Fatalf("read %v, want %v", got, want)
	}
}

// TestUsageErrors refuses calls that cannot mean anything, with codes that
// exit 2, before writing any output.
func TestUsageErrors(t *testing.T) {
	reg := fixtureRegistry(t)
	cases := []struct {
		name string
		o    Options
		code codes.Code
	}{
		{"no registry", Options{}, codes.InvalidArgument},
		{"missing input", Options{Registry: reg, Inputs: []string{"testdata/nope.ndjson"}}, codes.NotFound},
		{"folder without events", Options{Registry: reg, Inputs: []string{filepath.Dir(writeInput(t, "README.md", nil))}}, codes.NotFound},
		{"stdin twice", Options{Registry: reg, Inputs: []string{"-", "-"}, Stdin: strings.NewReader("")}, codes.InvalidArgument},
		{"stdin without reader", Options{Registry: reg}, codes.InvalidArgument},
		{"unknown format", Options{Registry: reg, Format: "xml"}, codes.InvalidArgument},
		{"stream text", Options{Registry: reg, Stream: true}, codes.InvalidArgument},
		{"negative", Options{Registry: reg, MaxErrors: -1}, codes.InvalidArgument},
		{"bare unknown", Options{Registry: reg, Type: "person", Version: 9}, codes.NotFound},
		{"bare bad type", Options{Registry: reg, Type: "Person", Version: 1}, codes.InvalidArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Run(t.Context(), c.o, &out)
			var se *status.Error
			if !errors.As(err, &se) || se.Code != c.code || se.ExitCode() != 2 {
				t.Fatalf("err = %v, want code %v exiting 2", err, c.code)
			}
			if out.Len() != 0 {
				t.Fatalf("wrote %q before refusing", out.String())
			}
		})
	}
}
