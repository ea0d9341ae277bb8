package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// maxHTMLRows bounds the failures table: a browser stays responsive, and a
// batch with more failures than this wants the json format anyway.
const maxHTMLRows = 10000

// malformedBar labels the bar of events without a readable type; clicking
// it filters the table by their status instead.
const malformedBar = "(malformed)"

// maxBars bounds each chart.
const maxBars = 20

// htmlSink writes one self-contained page: the summary first, which is
// only known at the end, so the table rows are spooled meanwhile.
type htmlSink struct {
	w    *bufio.Writer
	now  func() time.Time
	page *template.Template
	sp   *spool
	rows int // rows in the table
	left int // failing events that did not fit in it
}

// htmlRow is one row of the failures table: a violation, or a whole
// unknown or malformed event.
type htmlRow struct {
	Loc, Status, ID, Key, Instance, Keyword, Message string
}

// htmlData is everything the page shows above the table.
type htmlData struct {
	S                     *Summary
	ExitCode              int
	Generated, Elapsed    string
	KeyChart, RuleChart   chart
	Paths                 []Count
	Rows, Left            int
	HasFailures, AllValid bool
}

func newHTMLSink(w *bufio.Writer, now func() time.Time) *htmlSink {
	// The template is a constant of this package, so failing to parse it
	// is a bug that every test run shows, never a runtime condition.
	page := template.Must(template.New("page").Parse(htmlPage))
	return &htmlSink{w: w, now: now, page: page, sp: newSpool()}
}

func (h *htmlSink) event(r *result) error {
	if !r.failed() {
		return nil
	}
	if h.rows >= maxHTMLRows {
		h.left++
		return nil
	}
	base := htmlRow{Loc: location(r), Status: r.outcome.String(), ID: r.id, Key: keyText(r)}
	var rows []htmlRow
	for _, d := range r.err.Details {
		row := base
		row.Instance, row.Keyword, row.Message = pointerText(d.InstanceLocation), d.KeywordLocation, d.Message
		rows = append(rows, row)
	}
	if r.err.Omitted > 0 {
		row := base
		row.Message = fmt.Sprintf("... and %d more %s not shown", r.err.Omitted, plural(r.err.Omitted, "violation", "violations"))
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		base.Message = r.err.Message
		rows = append(rows, base)
	}
	h.rows += len(rows)
	return h.page.ExecuteTemplate(h.sp, "rows", rows)
}

func (h *htmlSink) end(s *Summary) error {
	defer h.sp.close()
	rd, err := h.sp.reader()
	if err != nil {
		return err
	}
	d := htmlData{S: s, ExitCode: s.ExitCode(),
		Generated: h.now().UTC().Format("2006-01-02 15:04:05 UTC"), Elapsed: s.Elapsed.Round(time.Millisecond).String(),
		KeyChart: newChart(keyBars(s)), RuleChart: newChart(s.TopKeywords), Paths: s.TopInstancePaths,
		Rows: h.rows, Left: h.left, HasFailures: s.Failed() > 0, AllValid: s.Failed() == 0 && s.Read > 0}
	if err := h.page.ExecuteTemplate(h.w, "head", d); err != nil {
		return err
	}
	if _, err := io.Copy(h.w, rd); err != nil {
		return err
	}
	return h.page.ExecuteTemplate(h.w, "tail", d)
}

// keyBars counts failures per type/version, most first, with malformed
// events, which have no readable type, as a bar of their own.
func keyBars(s *Summary) []Count {
	var bars []Count
	for _, k := range s.ByKey {
		if n := k.Invalid + k.Unknown; n > 0 {
			bars = append(bars, Count{Name: k.Type + " v" + strconv.Itoa(k.Version), Count: n})
		}
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Count > bars[j].Count })
	if s.Malformed > 0 {
		bars = append(bars, Count{Name: malformedBar, Count: s.Malformed})
	}
	return bars
}

// chart is a horizontal bar chart laid out for the page's inline SVG.
type chart struct {
	Height int
	Bars   []bar
}

type bar struct {
	Label, Full, Q     string
	Count              int
	Y, TextY, W, TextX int
}

// The SVG's geometry, in its own units (the page scales it to fit); the
// template draws labels ending at x=212 and bars 18 high from x=220.
const (
	chartBarX    = 220
	chartBarMax  = 340
	chartRow     = 24
	chartLabelMx = 30 // runes of a label shown; the full one is in a tooltip
)

func newChart(counts []Count) chart {
	if len(counts) > maxBars {
		counts = counts[:maxBars]
	}
	top := 1
	for _, c := range counts {
		top = max(top, c.Count)
	}
	ch := chart{Height: len(counts) * chartRow}
	for i, c := range counts {
		w := max(1, c.Count*chartBarMax/top)
		q := c.Name
		if q == malformedBar {
			q = outcomeMalformed.String()
		}
		ch.Bars = append(ch.Bars, bar{Label: shorten(c.Name, chartLabelMx), Full: c.Name, Q: q, Count: c.Count,
			Y: i*chartRow + 3, TextY: i*chartRow + 16, W: w, TextX: chartBarX + w + 6})
	}
	return ch
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
