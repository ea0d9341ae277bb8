package compat

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// lineOf is the 1-based line of data where the value at the JSON Pointer
// ptr starts (or of the nearest parent that exists), for annotations.
func lineOf(data []byte, ptr string) int {
	if u, err := url.PathUnescape(ptr); err == nil {
		ptr = u
	}
	var toks []string
	if ptr != "" {
		for _, t := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			toks = append(toks, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	off := find(dec, toks)
	return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
}

// find descends the decoder to the value at toks and returns the offset
// where that value starts, or the deepest parent found.
func find(dec *json.Decoder, toks []string) int64 {
	start := skipSpace(dec)
	if len(toks) == 0 {
		return start
	}
	tok, err := dec.Token()
	if err != nil {
		return start
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return start
			}
			if k == toks[0] {
				return find(dec, toks[1:])
			}
			if skip(dec) != nil {
				return start
			}
		}
	case json.Delim('['):
		want, _ := strconv.Atoi(toks[0])
		for i := 0; dec.More(); i++ {
			if i == want {
				return find(dec, toks[1:])
			}
			if skip(dec) != nil {
				return start
			}
		}
	}
	return start
}

// skipSpace is the offset of the next value: the decoder's offset moved
// past any separator and white space.
func skipSpace(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	rest, _ := bufferedRest(dec)
	for _, c := range rest {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != ':' && c != ',' {
			break
		}
		off++
	}
	return off
}

func bufferedRest(dec *json.Decoder) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(dec.Buffered())
	return b.Bytes(), err
}

func skip(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}
