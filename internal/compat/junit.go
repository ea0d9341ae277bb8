package compat

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes a suite per type and a test case per judged pair;
// findings at or above FailOn are failures, the rest the case's output.
func writeJUnit(w io.Writer, r *Report, o WriteOptions) error {
	doc := junitSuites{Name: "schemagate compat"}
	index := map[string]int{}
	for _, p := range r.Pairs {
		i, ok := index[p.Type]
		if !ok {
			i = len(doc.Suites)
			index[p.Type] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: p.Type})
		}
		c := junitCase{Name: pairName(p), Classname: p.Type}
		var out strings.Builder
		for _, f := range p.Findings {
			var b strings.Builder
			writeFinding(&b, f)
			if f.Severity.AtLeast(o.failOn()) {
				c.Failures = append(c.Failures, junitFailure{Message: f.Message, Type: f.Rule, Text: b.String()})
			} else {
				out.WriteString(b.String())
			}
		}
		c.SystemOut = out.String()
		s := &doc.Suites[i]
		s.Tests++
		doc.Tests++
		if len(c.Failures) > 0 {
			s.Failures++
			doc.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}
