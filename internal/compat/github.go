package compat

import (
	"fmt"
	"io"
	"path"
	"strings"
)

// writeGitHub writes one workflow command per finding
// (::error file=…,line=…,title=…::message), which GitHub Actions shows
// on the line of the schema the finding is about, in the tree checked.
func writeGitHub(w io.Writer, r *Report, o WriteOptions) error {
	var b strings.Builder
	for _, f := range r.Findings() {
		level := "warning"
		if f.Severity.AtLeast(o.failOn()) {
			level = "error"
		}
		side := f.New
		if side.Location == "" || strings.Contains(side.Label, "(") {
			side = f.Old
		}
		doc, ptr, _ := strings.Cut(side.Location, "#")
		props := "file=" + ghProp(path.Join(o.Dir, doc))
		if o.Source != nil {
			if data, err := o.Source(doc); err == nil {
				props += fmt.Sprintf(",line=%d", lineOf(data, ptr))
			}
		}
		props += ",title=" + ghProp(f.Type+" "+f.Rule)
		msg := f.Message
		if f.Counterexample != nil {
			msg += "\ncounterexample: " + string(f.Counterexample)
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", level, props, ghData(msg))
	}
	fmt.Fprintf(&b, "::notice title=schemagate compat::%s judged; %s, %s\n", plural(len(r.Pairs), "pair"),
		plural(r.Count(Error), "error"), plural(r.Count(Warning), "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
