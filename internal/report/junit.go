package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// junitSink writes JUnit XML, the report every CI system shows natively: a
// testsuite per input file and a testcase per event. An invalid event is a
// failure (the data broke its schema); an unknown or malformed one is an
// error (it could not be checked at all). The counts belong on the opening
// tags, so test cases are spooled until the end.
type junitSink struct {
	w      *bufio.Writer
	now    func() time.Time
	start  time.Time
	sp     *spool
	suites []*junitSuite
	buf    bytes.Buffer // the test case being written
}

type junitSuite struct {
	src                     *source
	tests, failures, errors int
	time                    time.Duration
	size                    int64 // bytes of its test cases in the spool
}

func newJUnitSink(w *bufio.Writer, now func() time.Time) *junitSink {
	return &junitSink{w: w, now: now, start: now(), sp: newSpool()}
}

// suite is the current file's suite. Results arrive in input order, so a
// file's test cases are contiguous in the spool.
func (j *junitSink) suite(src *source) *junitSuite {
	if n := len(j.suites); n > 0 && j.suites[n-1].src == src {
		return j.suites[n-1]
	}
	s := &junitSuite{src: src}
	j.suites = append(j.suites, s)
	return s
}

func (j *junitSink) event(r *result) error {
	s := j.suite(r.src)
	s.tests++
	s.time += r.elapsed
	name := "line " + strconv.Itoa(r.line)
	if r.hasID {
		name += " (id " + r.id + ")"
	}
	class := keyText(r)
	if class == "" {
		class = "(no type)"
	}
	j.buf.Reset()
	fmt.Fprintf(&j.buf, `    <testcase name="%s" classname="%s" time="%s"`, xmlAttr(name), xmlAttr(class), seconds(r.elapsed))
	switch r.outcome {
	case outcomeValid:
		j.buf.WriteString("/>\n")
	case outcomeInvalid:
		s.failures++
		j.problem("failure", r)
	default:
		s.errors++
		j.problem("error", r)
	}
	n, err := j.sp.Write(j.buf.Bytes())
	s.size += int64(n)
	return err
}

// problem writes the failure or error element: the server's message and
// code as attributes, and the violations, one a line, as its text.
func (j *junitSink) problem(elem string, r *result) {
	fmt.Fprintf(&j.buf, ">\n      <%s message=\"%s\" type=\"%s\">%s\n", elem, xmlAttr(r.err.Message), r.err.Status(), xmlText(location(r)))
	for _, d := range r.err.Details {
		j.buf.WriteString(xmlText(pointerText(d.InstanceLocation)+": "+d.Message+" ["+d.KeywordLocation+"]") + "\n")
	}
	if r.err.Omitted > 0 {
		fmt.Fprintf(&j.buf, "... and %d more %s not shown\n", r.err.Omitted, plural(r.err.Omitted, "violation", "violations"))
	}
	fmt.Fprintf(&j.buf, "</%s>\n    </testcase>\n", elem)
}

func (j *junitSink) end(sum *Summary) error {
	defer j.sp.close()
	rd, err := j.sp.reader()
	if err != nil {
		return err
	}
	var tests, failures, errors int
	for _, s := range j.suites {
		tests, failures, errors = tests+s.tests, failures+s.failures, errors+s.errors
	}
	j.w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(j.w, `<testsuites name="schemagate validate" tests="%d" failures="%d" errors="%d" skipped="0" time="%s">`+"\n",
		tests, failures, errors, seconds(sum.Elapsed))
	stamp := j.start.UTC().Format("2006-01-02T15:04:05")
	for _, s := range j.suites {
		fmt.Fprintf(j.w, `  <testsuite name="%s" tests="%d" failures="%d" errors="%d" skipped="0" time="%s" timestamp="%s">`+"\n",
			xmlAttr(s.src.name), s.tests, s.failures, s.errors, seconds(s.time), stamp)
		if _, err := io.CopyN(j.w, rd, s.size); err != nil {
			return err
		}
		j.w.WriteString("  </testsuite>\n")
	}
	_, err = j.w.WriteString("</testsuites>\n")
	return err
}

// xmlText escapes s for element text: only what XML requires, so that
// messages stay readable in CI systems that show the raw text.
func xmlText(s string) string { return xmlEscape(s, false) }

// xmlAttr escapes s for a double-quoted attribute value, line breaks and
// tabs included, which attribute normalization would otherwise turn into
// spaces.
func xmlAttr(s string) string { return xmlEscape(s, true) }

// xmlEscape also replaces what XML 1.0 cannot hold at all, even escaped
// (most control characters, which a JSON string may contain), with U+FFFD.
func xmlEscape(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case attr && r == '"':
			b.WriteString("&quot;")
		case attr && (r == '\n' || r == '\r' || r == '\t'):
			fmt.Fprintf(&b, "&#x%X;", r)
		case !xmlChar(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlChar is XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// seconds formats a duration as JUnit's decimal seconds.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) }
