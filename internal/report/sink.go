package report

import (
	"bufio"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sink writes one report format. event gets every result but blank lines,
// in input order; end gets the summary once, also after a failure, so that
// what was written is still a well-formed document.
type sink interface {
	event(r *result) error
	end(s *Summary) error
}

func newSink(o *Options, w *bufio.Writer) sink {
	switch o.Format {
	case FormatJSON:
		return newJSONSink(w, o.Stream, o.Quiet)
	case FormatJUnit:
		return newJUnitSink(w, o.now)
	case FormatHTML:
		return newHTMLSink(w, o.now)
	}
	return &textSink{w: w, color: o.Color, quiet: o.Quiet}
}

// location is where a record starts, as editors and CI logs link it.
func location(r *result) string { return r.src.name + ":" + strconv.Itoa(r.line) }

// keyText names the record's schema, or is empty when the envelope's type
// and version could not be read.
func keyText(r *result) string {
	if !r.hasKey {
		return ""
	}
	return r.key.String()
}

// pointerText shows a JSON Pointer; the empty pointer, the whole value, is
// easy to miss, so it gets a name.
func pointerText(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

// printable escapes what a terminal would act on rather than show: control
// characters (a crafted id could move the cursor or recolour the screen),
// bidirectional overrides and invalid UTF-8. Ids, property names and
// values in messages all come from the input.
func printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
