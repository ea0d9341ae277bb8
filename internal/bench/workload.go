package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/schemagate/schemagate/internal/event"
)

// maxLine bounds one workload line; the contract's servers read frames of up
// to 1 MiB, so anything larger could never be a fair frame.
const maxLine = 4 << 20

// expectation is the reply a correct server gives to one workload line.
type expectation uint8

const (
	// expectAccept: ok true (and a result for echo frames).
	expectAccept expectation = iota
	// expectRejectData: the envelope is well formed, so the server either has
	// no schema for it (code 5) or the data breaks the schema (code 3 with
	// details saying where).
	expectRejectData
	// expectRejectEnvelope: the envelope itself breaks a rule: code 3, and
	// there are no schema details to demand.
	expectRejectEnvelope
)

// line is one workload frame, pre-split around the id so a send costs two
// appends and a number format instead of a JSON encode.
type line struct {
	tail   []byte // the frame's fields after the id: `","type":...}`
	expect expectation
	echo   bool // echo v1 replies carry a result
	// The frame as a gRPC Event's fields after the id, protobuf-encoded
	// once: a field of the wrong JSON kind becomes "" or 0, which breaks
	// the envelope there too.
	event []byte
}

// workload is the immutable, shared list of frames every connection cycles
// through.
type workload struct {
	lines []line
}

// frameHead opens every frame; the id follows it.
const frameHead = `{"id":"`

// loadWorkload reads an NDJSON file of {"valid": bool, "frame": object}.
func loadWorkload(path string) (*workload, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w, err := readWorkload(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

func readWorkload(r io.Reader) (*workload, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	w := &workload{}
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		l, err := parseLine(raw)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		w.lines = append(w.lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(w.lines) == 0 {
		return nil, errors.New("no frames")
	}
	return w, nil
}

func parseLine(raw []byte) (line, error) {
	var in struct {
		Valid *bool           `json:"valid"`
		Frame json.RawMessage `json:"frame"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return line{}, err
	}
	if in.Valid == nil {
		return line{}, errors.New(`missing "valid"`)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(in.Frame, &fields); err != nil || fields == nil {
		return line{}, errors.New(`"frame" must be a JSON object`)
	}
	if _, ok := fields["id"]; ok {
		return line{}, errors.New(`"frame" must not carry an id: the generator assigns them`)
	}
	kind, version := envelopeOf(fields)
	l := line{tail: spliceTail(in.Frame), echo: kind == "echo" && version == 1}
	var v uint32
	if version >= 0 && version <= math.MaxUint32 {
		v = uint32(version)
	}
	l.event = appendEventTail(nil, kind, v, fields["data"])
	switch {
	case *in.Valid:
		l.expect = expectAccept
	case event.Key{Type: kind, Version: int(version)}.Valid() && fields["data"] != nil:
		l.expect = expectRejectData
	default:
		l.expect = expectRejectEnvelope
	}
	return l, nil
}

// envelopeOf reads type and version loosely: a field of the wrong JSON kind
// simply yields "" or 0, which marks the envelope as broken.
func envelopeOf(fields map[string]json.RawMessage) (kind string, version int64) {
	_ = json.Unmarshal(fields["type"], &kind)
	_ = json.Unmarshal(fields["version"], &version)
	return kind, version
}

// spliceTail turns `{ "type": ... }` into `","type": ... }` so that
// frameHead + id + tail is the frame with the id as its first field; the
// original bytes are kept otherwise, so the server parses what the workload says.
func spliceTail(frame []byte) []byte {
	body := bytes.TrimSpace(frame)
	body = bytes.TrimSpace(body[1:]) // past '{'
	if body[0] == '}' {
		return []byte(`"}`)
	}
	return append([]byte(`",`), body...)
}
