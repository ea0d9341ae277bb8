package report

import (
	"bufio"
	"bytes"
	"encoding/json"

	"github.com/schemagate/schemagate/internal/status"
)

// jsonResult is one event in the json format. Error is the server's error
// object itself (google.rpc.Status form), so a report entry and a live
// rejection of the same event read alike.
type jsonResult struct {
	Source  string        `json:"source"`
	Line    int           `json:"line"`
	ID      *string       `json:"id"` // null when the id could not be read, as in a reply
	Type    string        `json:"type,omitempty"`
	Version int           `json:"version,omitempty"`
	Status  string        `json:"status"` // valid, invalid, unknown or malformed
	Error   *status.Error `json:"error,omitempty"`
}

// jsonSummary adds what a machine wants and Summary keeps as Go types.
type jsonSummary struct {
	Summary
	ElapsedSeconds float64 `json:"elapsedSeconds"`
	ExitCode       int     `json:"exitCode"`
}

// jsonSink writes one document, {"results":[...],"summary":{...}}, with
// one result per line so that it streams out and still greps well; or, in
// stream mode, NDJSON: one result a line and {"summary":...} last.
type jsonSink struct {
	w       *bufio.Writer
	stream  bool
	quiet   bool
	n       int
	scratch bytes.Buffer
	enc     *json.Encoder
}

func newJSONSink(w *bufio.Writer, stream, quiet bool) *jsonSink {
	s := &jsonSink{w: w, stream: stream, quiet: quiet}
	s.enc = json.NewEncoder(&s.scratch)
	s.enc.SetEscapeHTML(false) // nobody embeds this in a page; keep "<" readable
	return s
}

// encode returns v's JSON without the encoder's trailing newline; the bytes
// are only valid until the next call.
func (s *jsonSink) encode(v any) ([]byte, error) {
	s.scratch.Reset()
	if err := s.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(s.scratch.Bytes(), []byte("\n")), nil
}

func (s *jsonSink) event(r *result) error {
	if s.quiet {
		return nil
	}
	jr := jsonResult{Source: r.src.name, Line: r.line, Status: r.outcome.String(), Error: r.err}
	if r.hasID {
		jr.ID = &r.id
	}
	if r.hasKey {
		jr.Type, jr.Version = r.key.Type, r.key.Version
	}
	b, err := s.encode(jr)
	if err != nil {
		return err
	}
	switch {
	case s.stream:
	case s.n == 0:
		s.w.WriteString(`{"results":[` + "\n")
	default:
		s.w.WriteString(",\n")
	}
	s.n++
	s.w.Write(b)
	if s.stream {
		s.w.WriteByte('\n')
	}
	return nil
}

func (s *jsonSink) end(sum *Summary) error {
	b, err := s.encode(jsonSummary{Summary: *sum, ElapsedSeconds: sum.Elapsed.Seconds(), ExitCode: sum.ExitCode()})
	if err != nil {
		return err
	}
	switch {
	case s.stream || (s.n == 0 && s.quiet):
		s.w.WriteString(`{"summary":`)
	case s.n == 0:
		s.w.WriteString(`{"results":[],"summary":`)
	default:
		s.w.WriteString("\n],\n" + `"summary":`)
	}
	s.w.Write(b)
	_, err = s.w.WriteString("}\n")
	return err
}
