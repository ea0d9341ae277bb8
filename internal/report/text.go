package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/status"
)

// ANSI styles, used only when the caller says stdout is a terminal.
const (
	styleBold    = "\x1b[1m"
	styleDim     = "\x1b[2m"
	styleRed     = "\x1b[31m"
	styleGreen   = "\x1b[32m"
	styleYellow  = "\x1b[33m"
	styleMagenta = "\x1b[35m"
	styleCyan    = "\x1b[36m"
	styleReset   = "\x1b[0m"
)

// textSink writes one block per failing event, for a person reading a
// terminal or a CI log, and the summary at the end. Valid events make no
// output: in a batch of a million, the failures are the news.
type textSink struct {
	w       *bufio.Writer
	color   bool
	quiet   bool
	printed bool
}

func (t *textSink) style(style, s string) string {
	if !t.color || s == "" {
		return s
	}
	return style + s + styleReset
}

func (t *textSink) event(r *result) error {
	if t.quiet || !r.failed() {
		return nil
	}
	t.printed = true
	fields := []string{t.style(styleBold, printable(location(r))), t.outcome(r.outcome)}
	if r.hasID {
		fields = append(fields, "id="+printable(r.id))
	}
	if k := keyText(r); k != "" {
		fields = append(fields, k)
	}
	if r.outcome != outcomeInvalid {
		fields = append(fields, printable(r.err.Message))
	}
	_, err := t.w.WriteString(strings.Join(fields, "  ") + "\n")
	if r.outcome == outcomeInvalid {
		err = t.details(r.err)
	}
	return err
}

func (t *textSink) outcome(k outcome) string {
	name := fmt.Sprintf("%-9s", k)
	switch k {
	case outcomeInvalid:
		return t.style(styleRed, name)
	case outcomeUnknown:
		return t.style(styleYellow, name)
	}
	return t.style(styleMagenta, name)
}

// details writes one line per violation, instance path and keyword path in
// columns, so that a block reads down as easily as across.
func (t *textSink) details(e *status.Error) error {
	wi, wk := 0, 0
	for _, d := range e.Details {
		wi = max(wi, utf8.RuneCountInString(printable(pointerText(d.InstanceLocation))))
		wk = max(wk, utf8.RuneCountInString(printable(d.KeywordLocation)))
	}
	var err error
	for _, d := range e.Details {
		inst, kw := printable(pointerText(d.InstanceLocation)), printable(d.KeywordLocation)
		inst += strings.Repeat(" ", wi-utf8.RuneCountInString(inst))
		kw += strings.Repeat(" ", wk-utf8.RuneCountInString(kw))
		_, err = fmt.Fprintf(t.w, "    %s  %s  %s\n", t.style(styleCyan, inst), t.style(styleDim, kw), printable(d.Message))
	}
	if e.Omitted > 0 {
		_, err = fmt.Fprintf(t.w, "    ... and %d more %s not shown\n", e.Omitted, plural(e.Omitted, "violation", "violations"))
	}
	return err
}

func (t *textSink) end(s *Summary) error {
	if t.printed {
		t.w.WriteString("\n")
	}
	t.w.WriteString(t.headline(s) + "\n")
	if len(s.ByKey) > 0 {
		t.w.WriteString("by type/version:\n")
		t.byKey(s.ByKey)
	}
	t.ranking("top failing keywords:      ", s.TopKeywords)
	t.ranking("top failing instance paths:", s.TopInstancePaths)
	var err error
	switch {
	case s.Stopped:
		_, err = fmt.Fprintf(t.w, "stopped after %d failing %s (max errors); the rest of the input was not read\n",
			s.Failed(), plural(s.Failed(), "event", "events"))
	case s.Interrupted:
		_, err = t.w.WriteString("interrupted; the rest of the input was not read\n")
	}
	return err
}

// byKey writes the breakdown as a table.
func (t *textSink) byKey(keys []KeyCount) {
	t.table(func(tw io.Writer) {
		for _, k := range keys {
			fmt.Fprintf(tw, "  %s v%d\t%d read\t%s\t%s\t%s\n", printable(k.Type), k.Version, k.Read,
				countOrNothing(k.Valid, "valid"), countOrNothing(k.Invalid, "invalid"), countOrNothing(k.Unknown, "unknown"))
		}
	})
}

// table writes the tab-separated rows rows writes as aligned columns.
// Empty cells keep the columns aligned; the padding they leave at line
// ends is trimmed.
func (t *textSink) table(rows func(tw io.Writer)) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 3, ' ', 0)
	rows(tw)
	tw.Flush()
	for line := range strings.Lines(buf.String()) {
		t.w.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
}

// headline is the one line a CI log shows when it shows only one.
func (t *textSink) headline(s *Summary) string {
	parts := []string{
		t.style(styleGreen, strconv.Itoa(s.Valid)+" valid"),
		t.styleIf(s.Invalid > 0, styleRed, strconv.Itoa(s.Invalid)+" invalid"),
		t.styleIf(s.Unknown > 0, styleYellow, strconv.Itoa(s.Unknown)+" unknown"),
		t.styleIf(s.Malformed > 0, styleMagenta, strconv.Itoa(s.Malformed)+" malformed"),
	}
	line := fmt.Sprintf("%s %s read: %s", t.style(styleBold, strconv.Itoa(s.Read)), plural(s.Read, "event", "events"),
		strings.Join(parts, ", "))
	if s.Blank > 0 {
		line += fmt.Sprintf(" (and %d blank %s)", s.Blank, plural(s.Blank, "line", "lines"))
	}
	line += " in " + s.Elapsed.Round(time.Millisecond).String()
	if secs := s.Elapsed.Seconds(); secs > 0 && s.Read > 0 {
		line += fmt.Sprintf(" (%.0f events/s)", float64(s.Read)/secs)
	}
	return line
}

func (t *textSink) styleIf(on bool, style, s string) string {
	if !on {
		return s
	}
	return t.style(style, s)
}

func (t *textSink) ranking(title string, counts []Count) {
	if len(counts) == 0 {
		return
	}
	items := make([]string, len(counts))
	for i, c := range counts {
		items[i] = fmt.Sprintf("%s (%d)", printable(pointerText(c.Name)), c.Count)
	}
	t.w.WriteString(title + " " + strings.Join(items, ", ") + "\n")
}

func countOrNothing(n int, what string) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + " " + what
}
