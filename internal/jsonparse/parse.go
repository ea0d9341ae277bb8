// Package jsonparse parses a JSON frame once, strictly, into the values the
// schema validator consumes: map[string]any, []any, json.Number, string,
// bool and nil.
//
// It is stricter than encoding/json on purpose: duplicate keys, invalid
// UTF-8 and nesting beyond a limit are errors, because the gateway must not
// validate one reading of a frame and forward another.
package jsonparse

import (
	"strconv"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/config"
)

// parser holds the state of one parse. It lives on the caller's stack; the
// values it builds are the only allocations that outlive it.
type parser struct {
	data     []byte
	str      string // one copy of data; strings and numbers without escapes are substrings of it
	pos      int
	depth    int
	maxDepth int
	scratch  []byte // reused buffer for decoding escaped strings
	arena    []byte // decoded escaped keys kept until their object closes (Valid, ParseObject)
}

// newParser prepares a parse of b; build says whether values will be built.
func newParser(b []byte, maxDepth int, build bool) parser {
	if maxDepth <= 0 {
		maxDepth = config.DefaultMaxDepth
	}
	p := parser{data: b, maxDepth: maxDepth}
	if build {
		// One copy instead of one per string: the caller reuses b, and the
		// values only need an immutable copy of the text they came from.
		p.str = string(b)
	}
	return p
}

// Parse parses b as one JSON value, optionally surrounded by whitespace.
// maxDepth bounds the nesting of arrays and objects (a top-level object or
// array is depth 1); zero or less means config.DefaultMaxDepth.
//
// Objects become map[string]any, arrays []any (empty ones are non-nil),
// numbers json.Number holding the literal text. Strings and numbers share
// one copy of b, so b may be reused as soon as Parse returns; a caller that
// keeps a small piece of a large frame for long should strings.Clone it.
//
// Errors are *SyntaxError, *DepthError or *DuplicateKeyError.
func Parse(b []byte, maxDepth int) (any, error) {
	p := newParser(b, maxDepth, true)
	p.skipSpace()
	v, err := p.value()
	if err = p.end(err); err != nil {
		return nil, err
	}
	return v, nil
}

// Valid reports whether b is one valid JSON value by the same rules as
// Parse, returning the error Parse would return, without building values.
func Valid(b []byte, maxDepth int) error {
	p := newParser(b, maxDepth, false)
	p.skipSpace()
	return p.end(p.check())
}

// end finishes a top-level parse whose value ended with err: the error is
// err, or, when the value was good, anything but whitespace after it. Every
// entry point ends through here, so they all refuse trailing data alike.
func (p *parser) end(err error) error {
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return p.fail("unexpected data after the JSON value")
	}
	return nil
}

// value parses the value at p.pos and returns it.
func (p *parser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("expected a JSON value")
	}
	switch c := p.data[p.pos]; c {
	case '{':
		return p.object()
	case '[':
		return p.array()
	case '"':
		return p.stringValue()
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	case 'n':
		return nil, p.literal("null")
	default:
		if c == '-' || isDigit(c) {
			return p.number()
		}
		return nil, p.fail("expected a JSON value")
	}
}

// check is value for Valid: the same grammar, nothing kept.
func (p *parser) check() error {
	if p.pos >= len(p.data) {
		return p.fail("expected a JSON value")
	}
	switch c := p.data[p.pos]; c {
	case '{':
		return p.checkObject()
	case '[':
		return p.checkArray()
	case '"':
		_, _, _, err := p.scanString()
		return err
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	default:
		if c == '-' || isDigit(c) {
			end, err := p.scanNumber()
			p.pos = end
			return err
		}
		return p.fail("expected a JSON value")
	}
}

// literal consumes word, which the byte at p.pos already starts.
func (p *parser) literal(word string) error {
	for i := 1; i < len(word); i++ {
		if p.pos+i >= len(p.data) || p.data[p.pos+i] != word[i] {
			return p.failAt(p.pos+i, "invalid literal, expected "+word)
		}
	}
	p.pos += len(word)
	return nil
}

// skipSpace skips the whitespace at p.pos.
func (p *parser) skipSpace() { p.pos = skipSpaceAt(p.data, p.pos) }

// skipSpaceAt returns the offset of the first byte at or after i that is
// not one of the four whitespace bytes RFC 8259 allows between tokens. It
// works on a slice and an offset the caller holds in registers, not on
// the parser's fields through a pointer: the tokens of a frame are short,
// so loading and storing those fields around each one cost more than the
// test itself. A byte above ' ', the usual case, ends it at once.
func skipSpaceAt(d []byte, i int) int {
	const space = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r'
	for i < len(d) && d[i] <= ' ' && space&(1<<d[i]) != 0 {
		i++
	}
	return i
}

// SpaceAt is the offset of the first byte at or after i that is not
// whitespace, by the rules of Parse: for a caller walking the bytes itself
// (see StringAt).
func SpaceAt(d []byte, i int) int { return skipSpaceAt(d, i) }

// fail reports msg at the current position.
func (p *parser) fail(msg string) error {
	return p.failAt(p.pos, msg)
}

// failAt reports msg at offset i and names what was found there, so the
// sender sees both what the parser wanted and what it got.
func (p *parser) failAt(i int, msg string) error {
	return &SyntaxError{Offset: i, Msg: msg + ", found " + describe(p.data, i)}
}

// describe names the byte at b[i] for an error message.
func describe(b []byte, i int) string {
	if i >= len(b) {
		return "end of input"
	}
	if b[i] < utf8.RuneSelf {
		return strconv.QuoteRune(rune(b[i]))
	}
	if r, size := utf8.DecodeRune(b[i:]); r != utf8.RuneError || size > 1 {
		return strconv.QuoteRune(r)
	}
	return "invalid UTF-8 byte 0x" + strconv.FormatUint(uint64(b[i]), 16)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
