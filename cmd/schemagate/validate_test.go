package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestValidateCommand runs `schemagate validate` in-process on the shipped
// schemas: the exit code and the summary come from the same run.
func TestValidateCommand(t *testing.T) {
	cases := []struct {
		name string
		args []string
		in   string
		exit int
		want []string
	}{
		{"mixed file", []string{"testdata/validate/events.ndjson"}, "", 1,
			[]string{"6 events read: 1 valid, 2 invalid, 1 unknown, 2 malformed", "/properties/age/$ref/minimum", "events.ndjson:6"}},
		{"all valid from stdin", []string{"-"}, `{"id":"a","type":"echo","version":1,"data":1}` + "\n", 0, []string{"1 event read: 1 valid"}},
		{"bare data", []string{"--type", "person", "--version", "1", "-"}, `{"name":"A","age":1,"city":"B"}` + "\n", 0, []string{"1 valid"}},
		{"junit", []string{"-o", "junit", "testdata/validate/events.ndjson"}, "", 1, []string{`<testsuites`, `failures="2"`}},
		{"unknown format", []string{"-o", "pdf", "-"}, "", 2, nil},
		{"missing input", []string{"testdata/validate/nope.ndjson"}, "", 2, nil},
		{"candidate", []string{"--candidate", "2", "-"}, `{"id":"a","type":"person","version":1,"data":{"name":"A","age":1,"city":"B"}}` + "\n" +
			`{"id":"b","type":"person","version":1,"data":{"name":"A","age":1,"city":"B","email":"a@example.com"}}` + "\n", 0,
			[]string{"2 compared with v2", "1 both valid", "1 only new valid", "samples:", "id=b"}},
		{"candidate no type has", []string{"--candidate", "9", "-"}, "", 2, nil},
		{"candidate streamed", []string{"--candidate", "2", "--stream", "-o", "json", "-"}, "", 2, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"validate", "--config", "../../configs/schemagate.yaml", "--schemas", repoSchemas(t)}, tc.args...)
			err := run(context.Background(), args, strings.NewReader(tc.in), &out, &errb)
			if got := exitCode(err); got != tc.exit {
				t.Fatalf("exit %d (%v), want %d\n%s%s", got, err, tc.exit, out.String(), errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Fatalf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
