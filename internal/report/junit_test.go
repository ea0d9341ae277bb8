package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"strconv"
	"testing"
)

// The JUnit XML shape CI systems read (the common junit.xsd): testsuites
// and testsuite carry name, tests, failures, errors, skipped and time;
// testcase carries name, classname and time; failure and error carry
// message and type. Attributes are collected raw so that a missing one
// shows as missing, not as zero.
type xmlSuites struct {
	XMLName xml.Name   `xml:"testsuites"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Suites  []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Cases []xmlCase  `xml:"testcase"`
}

type xmlCase struct {
	Attrs    []xml.Attr  `xml:",any,attr"`
	Failures []xmlReason `xml:"failure"`
	Errors   []xmlReason `xml:"error"`
}

type xmlReason struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Text  string     `xml:",chardata"`
}

// attrs checks that every name is present and returns the values.
func attrs(t *testing.T, where string, list []xml.Attr, names ...string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	for _, a := range list {
		m[a.Name.Local] = a.Value
	}
	for _, n := range names {
		if _, ok := m[n]; !ok {
			t.Errorf("%s: attribute %q missing", where, n)
		}
	}
	return m
}

func atoiAttr(t *testing.T, m map[string]string, name string) int {
	t.Helper()
	n, err := strconv.Atoi(m[name])
	if err != nil || n < 0 {
		t.Errorf("%s=%q is not a count", name, m[name])
	}
	return n
}

func checkTime(t *testing.T, m map[string]string) {
	t.Helper()
	if f, err := strconv.ParseFloat(m["time"], 64); err != nil || f < 0 {
		t.Errorf("time=%q is not a decimal number of seconds", m["time"])
	}
}

// TestJUnitShape parses the JUnit report of the fixture set and checks
// the attributes CI systems require and that every count matches what the
// elements hold and what the summary says.
func TestJUnitShape(t *testing.T) {
	o := fixtureOptions(t)
	o.Format = FormatJUnit
	var out bytes.Buffer
	sum, err := Run(context.Background(), o, &out)
	if err != nil {
		t.Fatal(err)
	}
	var doc xmlSuites
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	counts := []string{"name", "tests", "failures", "errors", "skipped", "time"}
	root := attrs(t, "testsuites", doc.Attrs, counts...)
	var tests, failures, errs int
	for _, s := range doc.Suites {
		sa := attrs(t, "testsuite", s.Attrs, counts...)
		checkTime(t, sa)
		f, e := checkCases(t, sa["name"], s.Cases)
		if atoiAttr(t, sa, "tests") != len(s.Cases) || atoiAttr(t, sa, "failures") != f || atoiAttr(t, sa, "errors") != e {
			t.Errorf("testsuite %s: counts %v do not match its %d cases (%d failures, %d errors)", sa["name"], sa, len(s.Cases), f, e)
		}
		tests, failures, errs = tests+len(s.Cases), failures+f, errs+e
	}
	checkTime(t, root)
	if atoiAttr(t, root, "tests") != tests || atoiAttr(t, root, "failures") != failures || atoiAttr(t, root, "errors") != errs {
		t.Errorf("testsuites counts %v do not add up to its suites (%d, %d, %d)", root, tests, failures, errs)
	}
	if tests != sum.Read || failures != sum.Invalid || errs != sum.Unknown+sum.Malformed {
		t.Errorf("the XML holds %d tests, %d failures, %d errors; the summary %+v", tests, failures, errs, sum)
	}
	if len(doc.Suites) != 3 {
		t.Errorf("%d suites, want one per fixture file (3)", len(doc.Suites))
	}
}

// checkCases checks each test case's attributes and its failure or error,
// and counts them.
func checkCases(t *testing.T, suite string, cases []xmlCase) (failures, errs int) {
	t.Helper()
	for _, c := range cases {
		ca := attrs(t, suite+" testcase", c.Attrs, "name", "classname", "time")
		checkTime(t, ca)
		if len(c.Failures)+len(c.Errors) > 1 {
			t.Errorf("%s %s: more than one failure or error", suite, ca["name"])
		}
		for _, r := range append(append([]xmlReason{}, c.Failures...), c.Errors...) {
			ra := attrs(t, suite+" "+ca["name"], r.Attrs, "message", "type")
			if ra["message"] == "" || r.Text == "" {
				t.Errorf("%s %s: empty message or text", suite, ca["name"])
			}
		}
		failures += len(c.Failures)
		errs += len(c.Errors)
	}
	return failures, errs
}
