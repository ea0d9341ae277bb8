package jsonparse

import "unicode/utf8"

// Reader walks one JSON value token by token, by exactly the rules of Parse
// (grammar, UTF-8, number bounds, nesting depth, duplicate keys in what it
// skips), without building anything. It exists so that a validator can
// check a frame on its bytes; a caller that meets malformed input gets
// false and learns why from Parse, which alone writes syntax errors.
//
// Duplicate keys are the caller's to find in the objects it reads member
// by member (with Key), since only the caller knows which keys it keeps;
// Skip finds them itself.
type Reader struct {
	p parser
}

// Kind is the kind of the next value, read from its first byte.
type Kind uint8

// The kinds of JSON values; Invalid means no value can start here.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

// Mark is a position a Reader can return to, so that one value can be read
// more than once (by each of several schemas that apply to it).
type Mark struct{ pos, depth int }

// NewReader prepares to read b, which holds one value and optional
// whitespace around it; maxDepth is as for Parse.
func NewReader(b []byte, maxDepth int) Reader {
	r := Reader{p: newParser(b, maxDepth, false)}
	r.p.skipSpace()
	return r
}

// Peek returns the kind of the value at the current position.
func (r *Reader) Peek() Kind {
	if r.p.pos >= len(r.p.data) {
		return Invalid
	}
	switch c := r.p.data[r.p.pos]; c {
	case '{':
		return Object
	case '[':
		return Array
	case '"':
		return String
	case 't', 'f':
		return Bool
	case 'n':
		return Null
	default:
		if c == '-' || isDigit(c) {
			return Number
		}
	}
	return Invalid
}

// Pos is the byte offset of the mark in the input.
func (m Mark) Pos() int { return m.pos }

// Depth is how many arrays and objects are open around the mark: what
// counts against the depth limit when one more opens there.
func (m Mark) Depth() int { return m.depth }

// Input is the text r reads, for a caller that walks its bytes itself
// (with StringAt, DecimalAt and SpaceAt) and then moves r past what it
// read with Seek.
func (r *Reader) Input() []byte { return r.p.data }

// MaxDepth is r's nesting limit, as for Parse: a caller walking the bytes
// itself refuses to open an array or object at a depth of MaxDepth or more,
// as Reader would.
func (r *Reader) MaxDepth() int { return r.p.maxDepth }

// Seek moves r to offset pos of its input with depth arrays and objects
// open around it. The caller vouches for both: pos must be where r could
// stand after reading the same bytes token by token (the start of a value
// or what follows one), and depth how many containers it opened, so that
// Skip and the depth limit then judge the rest exactly as if r had.
func (r *Reader) Seek(pos, depth int) { r.p.pos, r.p.depth = pos, depth }

// Mark returns the current position.
func (r *Reader) Mark() Mark { return Mark{r.p.pos, r.p.depth} }

// Reset returns to a position m taken from this reader.
func (r *Reader) Reset(m Mark) { r.p.pos, r.p.depth = m.pos, m.depth }

// String reads a string and returns its contents as they appear between the
// quotes; when escaped is true, AppendUnescaped decodes them.
func (r *Reader) String() (s []byte, escaped, ok bool) {
	start, end, escaped, err := r.p.scanString()
	if err != nil {
		return nil, false, false
	}
	return r.p.data[start:end], escaped, true
}

// Number reads a number and returns its literal text.
func (r *Reader) Number() ([]byte, bool) {
	end, err := r.p.scanNumber()
	if err != nil {
		return nil, false
	}
	n := r.p.data[r.p.pos:end]
	r.p.pos = end
	return n, true
}

// Bool reads true or false.
func (r *Reader) Bool() (v, ok bool) {
	if r.p.data[r.p.pos] == 't' {
		return true, r.p.literal("true") == nil
	}
	return false, r.p.literal("false") == nil
}

// Null reads null.
func (r *Reader) Null() bool { return r.p.literal("null") == nil }

// Open enters the array or object at the current position (Peek said
// which) and reports whether it is empty, in which case it is also closed.
func (r *Reader) Open() (empty, ok bool) {
	closer := byte(']')
	if r.p.data[r.p.pos] == '{' {
		closer = '}'
	}
	empty, err := r.p.open(closer)
	return empty, err == nil
}

// Key reads an object member's key and the ':' after it.
func (r *Reader) Key() (key []byte, escaped, ok bool) {
	start, end, escaped, err := r.p.memberKey()
	if err != nil {
		return nil, false, false
	}
	return r.p.data[start:end], escaped, true
}

// KeyIs reads an object member's key and the ':' after it when the key
// is written exactly as quoted, a literal QuotedKey made, and reports
// whether it was; otherwise it reads nothing. Such a key needs no escape,
// so those bytes are the whole string by the rules and comparing them is
// all its reading takes: a caller that knows which key likely comes next
// (a schema's next property) thereby skips scanning it.
func (r *Reader) KeyIs(quoted string) bool {
	d, i := r.p.data, r.p.pos
	if len(quoted) < 2 || len(d)-i <= len(quoted) || string(d[i:i+len(quoted)]) != quoted {
		return false
	}
	j := skipSpaceAt(d, i+len(quoted))
	if j >= len(d) || d[j] != ':' {
		return false
	}
	r.p.pos = skipSpaceAt(d, j+1)
	return true
}

// QuotedKey is name's literal for KeyIs, quotes included: how a sender
// writes name without escapes. It is "" (which KeyIs never matches) for a
// name with a character that must be escaped, or one beyond ASCII, kept
// out so that matching bytes can never mean anything but name.
func QuotedKey(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return ""
		}
	}
	return `"` + name + `"`
}

// NextMember reads what follows an object member: ',' (more is true) or
// the closing brace.
func (r *Reader) NextMember() (more, ok bool) {
	more, err := r.p.next('}', "")
	return more, err == nil
}

// NextElement reads what follows an array element: ',' (more is true) or
// the closing bracket.
func (r *Reader) NextElement() (more, ok bool) {
	more, err := r.p.next(']', "")
	return more, err == nil
}

// Skip reads the value at the current position, whatever it is, checking
// it as Parse would (duplicate keys included).
func (r *Reader) Skip() bool {
	mark := len(r.p.arena)
	err := r.p.check()
	r.p.arena = r.p.arena[:mark]
	return err == nil
}

// Delimit moves past the value at the current position by its quotes,
// escapes and brackets alone, checking nothing else, and reports false if
// the input ends first. It is for a caller that will read those bytes by
// the rules anyway (a validator given them next), so that they are read
// once: what it passes may be malformed, and only a strict reading of
// exactly those bytes says it is not.
func (r *Reader) Delimit() bool {
	d, i := r.p.data, r.p.pos
	if i >= len(d) {
		return false
	}
	switch d[i] {
	case '"':
		i = stringEnd(d, i)
	case '{', '[':
		i = containerEnd(d, i)
	default:
		for i < len(d) && !isDelimiter(d[i]) {
			i++
		}
	}
	if i < 0 {
		return false
	}
	r.p.pos = i
	return true
}

// stringEnd is the offset just past the string whose quote is at d[i],
// honouring backslashes; -1 if d ends first.
func stringEnd(d []byte, i int) int {
	for i++; i < len(d); i++ {
		switch d[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// containerEnd is the offset just past the array or object whose bracket
// is at d[i], counting brackets outside strings; -1 if d ends first.
func containerEnd(d []byte, i int) int {
	depth := 0
	for i < len(d) {
		switch d[i] {
		case '"':
			if i = stringEnd(d, i); i < 0 {
				return -1
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// isDelimiter ends a number or literal for Delimit.
func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// End reports whether only whitespace is left.
func (r *Reader) End() bool { return r.p.end(nil) == nil }

// AppendUnescaped appends the decoded form of s, the contents of a string
// that a Reader returned as escaped, as Parse would decode it.
func AppendUnescaped(dst, s []byte) []byte { return appendUnescaped(dst, s) }
