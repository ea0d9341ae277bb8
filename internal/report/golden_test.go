package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"html"
	"html/template"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// pinnedClock is a clock that never moves, so that elapsed times are zero
// and generated-at stamps are one value: golden files stay byte-stable.
func pinnedClock() func() time.Time {
	t := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	return func() time.Time { return t }
}

func fixtureRegistry(t testing.TB) *validate.Registry {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatalf("load fixture schemas: %v", err)
	}
	return reg
}

// fixtureOptions reads the whole fixture folder with two workers, so that
// results arrive out of order and the reorder buffer is exercised.
func fixtureOptions(t testing.TB) Options {
	return Options{Registry: fixtureRegistry(t), Inputs: []string{"testdata/events"}, Workers: 2, now: pinnedClock()}
}

// inlineScript is an HTML report's script: inline, so that the page needs
// no network, and written once, in htmlpage.go.
var inlineScript = regexp.MustCompile(`(?s)<script>\n.*?</script>`)

// goldenOutput is what a golden file holds of a report: all of it, except
// that in an HTML page the blocks htmlpage.go writes the same into every
// page, its "meta" (the Content-Security-Policy) and "style" templates and
// the inline script, each stand as one line naming the block with its
// length and SHA-256. The stylesheet and script are then written once, in
// htmlpage.go, not again in every golden, and a golden still fails on any
// change to them; the Chromium tests run the real page.
func goldenOutput(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	if !strings.HasSuffix(name, ".html") {
		return got
	}
	checkFetchesNothing(t, got)
	pin := func(what string, block []byte) []byte {
		sum := sha256.Sum256(block)
		return fmt.Appendf(nil, "<!-- htmlpage.go's %s: %d bytes, sha256 %s -->", what, len(block), hex.EncodeToString(sum[:]))
	}
	page := template.Must(template.New("page").Parse(htmlPage))
	for _, name := range []string{"meta", "style"} {
		var block bytes.Buffer
		if err := page.ExecuteTemplate(&block, name, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(got, block.Bytes()) {
			t.Fatalf("the page lacks what template %q writes:\n%s", name, got)
		}
		got = bytes.ReplaceAll(got, block.Bytes(), pin(fmt.Sprintf("template %q", name), block.Bytes()))
	}
	return inlineScript.ReplaceAllFunc(got, func(script []byte) []byte { return pin("script", script) })
}

// cspMeta is an HTML page's Content-Security-Policy.
var cspMeta = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)

// checkFetchesNothing: the page's CSP, which its golden holds only by hash,
// lets it fetch nothing at all (default-src 'none'; every other directive
// allows only inline code), so that it works mailed or archived as a file.
func checkFetchesNothing(t *testing.T, page []byte) {
	t.Helper()
	m := cspMeta.FindSubmatch(page)
	if m == nil {
		t.Fatal("the page has no Content-Security-Policy")
	}
	csp := html.UnescapeString(string(m[1]))
	if !strings.HasPrefix(csp, "default-src 'none';") {
		t.Errorf("CSP %q does not begin with default-src 'none'", csp)
	}
	for _, directive := range strings.Split(csp, ";") {
		for _, source := range strings.Fields(directive)[1:] {
			if source != "'none'" && source != "'unsafe-inline'" && !strings.HasPrefix(source, "'sha256-") {
				t.Errorf("CSP %q: %q lets the page fetch", csp, source)
			}
		}
	}
}

// goldenCase is a golden file, by its name after the report's, and how
// its run's options differ from the fixture's.
type goldenCase struct {
	suffix string
	edit   func(*Options)
}

// reportFormats are the runs both reports are pinned in: each format, and
// the text one in color, quiet, and over one bare type/version's file.
func reportFormats() []goldenCase {
	return []goldenCase{
		{".txt", func(o *Options) {}},
		{"-color.txt", func(o *Options) { o.Color = true }},
		{"-quiet.txt", func(o *Options) { o.Quiet = true }},
		{"-bare.txt", func(o *Options) {
			o.Inputs, o.Type, o.Version = []string{"testdata/bare/person.ndjson"}, "person", 1
		}},
		{".json", func(o *Options) { o.Format = FormatJSON }},
		{".xml", func(o *Options) { o.Format = FormatJUnit }},
		{".html", func(o *Options) { o.Format = FormatHTML }},
	}
}

// runGoldens runs each case, from the options start gives, through run,
// and compares the output with testdata/golden/REPORT+SUFFIX.
func runGoldens(t *testing.T, report string, start func(testing.TB) Options, run func(Options, io.Writer) error, cases []goldenCase) {
	for _, c := range cases {
		name := report + c.suffix
		t.Run(name, func(t *testing.T) {
			o := start(t)
			c.edit(&o)
			var out bytes.Buffer
			if err := run(o, &out); err != nil {
				t.Fatal(err)
			}
			testkit.Golden(t, filepath.Join("testdata", "golden", name), goldenOutput(t, name, out.Bytes()), *update)
		})
	}
}

// TestGolden pins the validate report of the fixture events in every
// format, and the options only it has.
func TestGolden(t *testing.T) {
	run := func(o Options, w io.Writer) error {
		_, err := Run(context.Background(), o, w)
		return err
	}
	runGoldens(t, "validate", fixtureOptions, run, append(reportFormats(),
		goldenCase{"-max-errors.txt", func(o *Options) { o.MaxErrors = 3 }},
		goldenCase{"-stream.ndjson", func(o *Options) { o.Format, o.Stream = FormatJSON, true }},
		goldenCase{"-quiet.json", func(o *Options) { o.Format, o.Quiet = FormatJSON, true }},
	))
}

// TestGoldenCandidate replays the fixture events and a dead letter file
// against person v2 in every format.
func TestGoldenCandidate(t *testing.T) {
	start := func(t testing.TB) Options {
		o := fixtureOptions(t)
		o.Inputs = append(o.Inputs, "testdata/deadletter")
		o.Candidate = 2
		return o
	}
	run := func(o Options, w io.Writer) error {
		_, err := RunCandidate(context.Background(), o, w)
		return err
	}
	runGoldens(t, "candidate", start, run, reportFormats())
}

// TestCandidateCountsAddUp: every record read is compared or counted
// among the reasons it was not, and the breakdown adds up to the total.
func TestCandidateCountsAddUp(t *testing.T) {
	o := fixtureOptions(t)
	o.Inputs, o.Candidate = append(o.Inputs, "testdata/deadletter"), 2
	var out bytes.Buffer
	s, err := RunCandidate(context.Background(), o, &out)
	if err != nil {
		t.Fatal(err)
	}
	nc := s.NotCompared
	if int64(s.Read) != s.Compared+int64(nc.Unknown+nc.Malformed+nc.NoCandidate+nc.AlreadyCandidate+nc.Undelivered) || s.Compared == 0 {
		t.Fatalf("counts do not add up: %+v", s)
	}
	// The dead letter's webhook record is counted as what it is.
	if nc.Undelivered != 1 {
		t.Errorf("undelivered webhook records %d, want 1", nc.Undelivered)
	}
	var byKey int64
	for _, k := range s.ByKey {
		byKey += k.Outcomes.Compared()
	}
	if byKey != s.Compared || s.Outcomes.Compared() != s.Compared {
		t.Fatalf("by key %d, outcomes %d, compared %d", byKey, s.Outcomes.Compared(), s.Compared)
	}
}
