package jsonparse

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// stringValue parses the string at p.pos.
func (p *parser) stringValue() (any, error) {
	start, end, escaped, err := p.scanString()
	if err != nil {
		return nil, err
	}
	return p.keyString(start, end, escaped), nil
}

// keyString returns the decoded string whose contents are data[start:end].
// Without escapes it is a substring of the single copy made by newParser,
// so it costs no allocation; a parser that made no copy (ParseObject, which
// builds only a few scalars) copies just the string.
func (p *parser) keyString(start, end int, escaped bool) string {
	if !escaped {
		return p.text(start, end)
	}
	p.scratch = appendUnescaped(p.scratch[:0], p.data[start:end])
	return string(p.scratch)
}

// keyBytes is keyString for duplicate detection without building strings:
// the bytes alias the input or the arena, which only grows while an
// enclosing object is open, so earlier keys stay intact.
func (p *parser) keyBytes(start, end int, escaped bool) []byte {
	if !escaped {
		return p.data[start:end]
	}
	mark := len(p.arena)
	p.arena = appendUnescaped(p.arena, p.data[start:end])
	return p.arena[mark:len(p.arena):len(p.arena)]
}

// scanString checks the string whose opening quote is at p.pos, moves past
// its closing quote and returns the bounds of its contents. It enforces
// everything a string must satisfy, so decoding it later cannot fail.
func (p *parser) scanString() (start, end int, escaped bool, err error) {
	d := p.data
	start = p.pos + 1
	i := plainRun(d, start)
	if i < len(d) && d[i] == '"' {
		p.pos = i + 1
		return start, i, false, nil // the usual string: plain ASCII up to its quote
	}
	return p.scanStringRest(start, i)
}

// StringAt checks the string whose opening quote is at d[i], by exactly
// the rules of Parse, and returns the offset just past its closing quote,
// and whether its contents d[i+1:end-1] hold escapes (AppendUnescaped
// decodes them). end is -1 when no valid string starts at d[i] (i >= 0).
// It is Reader.String for a caller that walks the bytes itself with the
// offset in a register: a frame's tokens are short, and a Reader's fields
// loaded and stored through a pointer around each one cost more than
// reading it.
func StringAt(d []byte, i int) (end int, escaped bool) {
	if i >= len(d) || d[i] != '"' {
		return -1, false
	}
	// plainRun's words, inline: a call less on every string's path.
	j := i + 1
	for ; ; j += 8 {
		if len(d)-j < 8 {
			j = plainRun(d, j) // the last few bytes of d
			break
		}
		if special := specialBytes(binary.LittleEndian.Uint64(d[j:])); special != 0 {
			j += bits.TrailingZeros64(special) / 8
			break
		}
	}
	if j < len(d) && d[j] == '"' {
		return j + 1, false // the usual string: plain ASCII up to its quote
	}
	return stringRestAt(d, i, j)
}

// stringRestAt is StringAt for a string with escapes, control characters
// or multi-byte characters, or one the input cuts short, from d[j].
func stringRestAt(d []byte, i, j int) (end int, escaped bool) {
	p := parser{data: d, pos: i}
	if _, _, escaped, err := p.scanStringRest(i+1, j); err == nil {
		return p.pos, escaped
	}
	return -1, false
}

// scanStringRest is scanString for a string with escapes, control
// characters or multi-byte characters, or one the input cuts short, from
// d[i], the first byte that is not plain ASCII.
func (p *parser) scanStringRest(start, i int) (_, end int, escaped bool, err error) {
	d := p.data
	for ; i < len(d); i = plainRun(d, i) {
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return start, i, escaped, nil
		case c == '\\':
			escaped = true
			if i, err = p.scanEscape(i); err != nil {
				return 0, 0, false, err
			}
		case c < 0x20:
			return 0, 0, false, &SyntaxError{Offset: i,
				Msg: "control character " + strconv.QuoteRune(rune(c)) + " in string must be escaped"}
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, 0, false, &SyntaxError{Offset: i, Msg: "invalid UTF-8 in string"}
			}
			i += size
		}
	}
	return 0, 0, false, p.failAt(len(d), "unterminated string starting at byte "+strconv.Itoa(p.pos))
}

// plainRun returns the offset of the first byte at or after i that needs
// a closer look in a string: a quote, a backslash, a control character or
// the start of a multi-byte character. It looks at eight bytes at a time,
// since most string bytes are plain ASCII, and walks a shrinking slice
// rather than an index so that the compiler proves every load in bounds.
func plainRun(d []byte, i int) int {
	rest := d[i:]
	for len(rest) >= 8 {
		if special := specialBytes(binary.LittleEndian.Uint64(rest)); special != 0 {
			return len(d) - len(rest) + bits.TrailingZeros64(special)/8
		}
		rest = rest[8:]
	}
	for j, c := range rest {
		if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return len(d) - len(rest) + j
		}
	}
	return len(d)
}

// specialBytes sets the high bit of each byte of w (read little-endian)
// that plainRun stops at; the lowest one set is exactly the first such
// byte, though bytes after it may be marked wrongly.
//
// For a byte x that is ASCII (x < 0x80), x-n borrows into its high bit
// exactly when x < n: so x-0x20 finds control characters, and (x^c)-1
// finds x == c, since x^c is then ASCII too. Every x >= 0x80 is marked by
// or-ing in w itself, which also covers the non-ASCII bytes for which those
// differences mean nothing. Only a marked byte borrows, and its borrow
// lands in the byte above it, so every byte up to the lowest marked one is
// judged exactly. Dropping the usual "&^ x" of the zero-byte test is what
// the or-ing of w pays for: six instructions fewer per word.
func specialBytes(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	b := w ^ (ones * '\\')
	return ((q - ones) | (b - ones) | (w - ones*0x20) | w) & highs
}

// scanEscape checks the escape sequence whose backslash is at d[i] and
// returns the offset just past it.
func (p *parser) scanEscape(i int) (int, error) {
	d := p.data
	if i+1 >= len(d) {
		return 0, p.failAt(i+1, "unterminated escape sequence in string")
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
		for j := i + 2; j < i+6; j++ {
			if j >= len(d) || !isHex(d[j]) {
				return 0, p.failAt(j, `expected four hex digits after \u in string`)
			}
		}
		return i + 6, nil
	}
	return 0, p.failAt(i+1, `invalid escape sequence in string: after '\' expected one of "\/bfnrtu`)
}

// appendUnescaped appends the decoded form of s, the contents of a string
// that scanString accepted, so every escape in it is well formed.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if s[1] != 'u' {
			dst = append(dst, unescapeByte(s[1]))
			s = s[2:]
			continue
		}
		var r rune
		r, s = decodeU(s)
		dst = utf8.AppendRune(dst, r)
	}
}

// decodeU decodes the \uXXXX escape at the start of s, joining a surrogate
// pair when one follows. A surrogate that is not part of a valid pair
// becomes U+FFFD and the next escape is decoded on its own, exactly as
// encoding/json does, so both produce the same strings.
func decodeU(s []byte) (rune, []byte) {
	r := hex4(s[2:6])
	s = s[6:]
	if !utf16.IsSurrogate(r) {
		return r, s
	}
	if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
		if pair := utf16.DecodeRune(r, hex4(s[2:6])); pair != utf8.RuneError {
			return pair, s[6:]
		}
	}
	return utf8.RuneError, s
}

// unescapeByte decodes the single-character escape \c.
func unescapeByte(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // '"', '\\' and '/' stand for themselves
}

// hex4 decodes four hex digits already checked by scanEscape.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// text returns data[start:end] as a string, from the shared copy when
// there is one.
func (p *parser) text(start, end int) string {
	if p.str == "" {
		return string(p.data[start:end])
	}
	return p.str[start:end]
}

// LoneSurrogate reports whether a string literal, as Parse accepted it,
// escapes a UTF-16 surrogate that is not half of a valid pair ("\ud800").
// Such a string is not Unicode: decoding makes it U+FFFD, so distinct
// literals decode to one string. Callers that must keep a string exactly
// as sent (an id) refuse it instead.
func LoneSurrogate(literal []byte) bool {
	for i := 0; i+1 < len(literal); i++ {
		if literal[i] != '\\' {
			continue
		}
		if literal[i+1] != 'u' || i+6 > len(literal) {
			i++ // a one-character escape, "\\" included
			continue
		}
		r := hex4(literal[i+2 : i+6])
		i += 5
		if !utf16.IsSurrogate(r) {
			continue
		}
		rest := literal[i+1:]
		if len(rest) < 6 || rest[0] != '\\' || rest[1] != 'u' ||
			utf16.DecodeRune(r, hex4(rest[2:6])) == utf8.RuneError {
			return true
		}
		i += 6
	}
	return false
}
