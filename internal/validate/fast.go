package validate

import (
	"bytes"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/jsonparse"
)

// maxUniqueFast bounds the quadratic uniqueItems check; longer arrays go
// to the authority, which hashes.
const maxUniqueFast = 16

// maxExtraKeys bounds the keys an object may have beyond its declared ones
// for the fast path to find duplicates among them by comparison.
const maxExtraKeys = 8

// fastScan is one fast check of a JSON text: the reader over the bytes and
// a buffer for strings with escapes.
type fastScan struct {
	r       jsonparse.Reader
	scratch []byte // the string being checked, unescaped
	keys    []byte // unescaped keys, kept while the scan lasts
}

// validJSON reports whether data, one JSON text, is certainly well formed
// by jsonparse's rules and certainly matches n. False means "ask the
// parser and the authority": the instance may still be valid.
func (n *fastNode) validJSON(data []byte, maxDepth int) bool {
	s := fastScan{r: jsonparse.NewReader(data, maxDepth)}
	return n.scan(&s) && s.r.End()
}

// scan reads one value at the reader's position and reports whether it
// certainly matches n and every schema n applies by $ref and allOf, the
// reader then past it; on false its position is of no use. It is the
// checker (check) for a caller that holds a Reader.
func (n *fastNode) scan(s *fastScan) bool {
	m := s.r.Mark()
	end := n.check(s, s.r.Input(), m.Pos(), m.Depth())
	if end < 0 {
		return false
	}
	s.r.Seek(end, m.Depth())
	return true
}

func (n *fastNode) allows(t uint8) bool { return n.types == 0 || n.types&t != 0 }

// plain says no enum or format judges a container, which the fast path
// would have to compare or hand over as a built value: the authority's job.
func (n *fastNode) plain() bool { return !n.hasEnum && !n.formatAll }

func (n *fastNode) inEnum(v any) bool {
	for _, e := range n.enum {
		if e == v {
			return true
		}
	}
	return false
}

// stringAt reads the string at d[i] and checks it.
func (n *fastNode) stringAt(s *fastScan, d []byte, i int) int {
	end, escaped := jsonparse.StringAt(d, i)
	if end < 0 {
		return -1
	}
	raw := d[i+1 : end-1]
	if escaped {
		s.scratch = jsonparse.AppendUnescaped(s.scratch[:0], raw)
		raw = s.scratch
	}
	// The library's own checker decides a format, so both paths agree on
	// every one; a quick look first spares it (and its allocations) the
	// plain cases.
	if n.hasEnum && !n.inEnumString(raw) ||
		n.format != nil && (n.quick == nil || !n.quick(raw)) && !n.format(string(raw)) ||
		!n.str(raw) {
		return -1
	}
	return end
}

func (n *fastNode) inEnumString(b []byte) bool {
	for _, e := range n.enum {
		if es, ok := e.(string); ok && es == string(b) {
			return true
		}
	}
	return false
}

func (n *fastNode) str(s []byte) bool {
	switch p := n.simple; {
	case !n.lengthFits(s):
		return false
	case p == nil:
		return n.pattern == nil || n.pattern.Match(s)
	case p.fixed != nil:
		// match would try this first; called here, it is a call less
		// for most patterns and strings.
		if ok, sure := p.matchASCII(s); sure {
			return ok
		}
	}
	return n.simple.matchRunes(s) // not match: matchASCII has had its say
}

// lengthFits checks minLength and maxLength, which count characters. A
// string's bytes, valid UTF-8 whether read as sent or unescaped, hold at
// most one character each and at least one in four, so its byte length
// alone settles nearly every string without counting.
func (n *fastNode) lengthFits(s []byte) bool {
	if (n.minLen < 0 || (len(s)+3)/4 >= n.minLen) && (n.maxLen < 0 || len(s) <= n.maxLen) {
		return true
	}
	l := utf8.RuneCount(s)
	return (n.minLen < 0 || l >= n.minLen) && (n.maxLen < 0 || l <= n.maxLen)
}

// numberAt reads the number at d[i] and checks it, its value read with
// its text (jsonparse.DecimalAt).
func (n *fastNode) numberAt(d []byte, i int) int {
	v, end, plain := jsonparse.DecimalAt(d, i)
	switch integerOnly := n.types != 0 && n.types&tNumber == 0; {
	case end < 0 || n.hasEnum || n.formatAll:
		return -1 // numbers compare by value: the authority's job
	case !integerOnly && !n.numeric():
		return end
	case !plain || integerOnly && (n.types&tInteger == 0 || v.Frac):
		// "1.0" and "1e2" are integers too; only plain digits are decided here.
		return -1
	case !n.number(decimal(v)):
		return -1
	}
	return end
}

// keyTracker is what object remembers of the keys it has read.
type keyTracker struct {
	seen     uint64 // bits of n.keys
	count    int
	next     int // the index after the last key found: the likeliest next
	extraBuf [maxExtraKeys][]byte
	extra    int
}

// fits reports whether the keys k found satisfy n's required,
// minProperties and maxProperties.
func (k *keyTracker) fits(n *fastNode) bool {
	return k.seen&n.requiredMask == n.requiredMask &&
		(n.minProps < 0 || k.count >= n.minProps) && (n.maxProps < 0 || k.count <= n.maxProps)
}

// member records key and returns the schema its value must match (nil:
// anything); ok is false for a repeated key or a denied one.
func (n *fastNode) member(key []byte, k *keyTracker) (sub *fastNode, ok bool) {
	sub, denied, ok := n.admit(key, k)
	return sub, ok && !denied
}

// admit is member for a reader that goes on past a key that
// additionalProperties false denies (denied), to name it.
func (n *fastNode) admit(key []byte, k *keyTracker) (sub *fastNode, denied, ok bool) {
	if i := n.keyFrom(key, k.next); i >= 0 {
		return n.admitIndex(i, k)
	}
	k.count++
	for _, e := range k.extraBuf[:k.extra] {
		if bytes.Equal(e, key) {
			return nil, false, false
		}
	}
	if k.extra == maxExtraKeys {
		return nil, false, false
	}
	k.extraBuf[k.extra] = key
	k.extra++
	return n.additional()
}

// admitIndex is admit for the key n.keys[i].
func (n *fastNode) admitIndex(i int, k *keyTracker) (sub *fastNode, denied, ok bool) {
	k.count++
	if k.seen&(1<<i) != 0 {
		return nil, false, false
	}
	k.seen |= 1 << i
	k.next = i + 1
	if sub = n.keys[i].node; sub != nil {
		return sub, false, true
	}
	return n.additional() // a required key that is not declared
}

// additional is admit for a key no property declares.
func (n *fastNode) additional() (sub *fastNode, denied, ok bool) {
	switch n.addl {
	case addlDeny:
		return nil, true, true
	case addlSchema:
		return n.addlNode, false, true
	}
	return nil, false, true
}

// keyFrom is keyIndex trying n.keys[hint] first. Senders mostly write
// members in the order the schema lists them, and n.keys keeps that order
// as far as the compiled schema still knows it (fastBuilder.object), so
// that with the key after the last one found as the hint one comparison
// usually settles it: with names of equal length, each comparison
// reads bytes.
func (n *fastNode) keyFrom(key []byte, hint int) int {
	if hint < len(n.keys) && n.keys[hint].name == string(key) {
		return hint
	}
	return n.keyIndex(key)
}

// keyIndex finds key among n.keys; a short list is faster to compare
// than to hash.
func (n *fastNode) keyIndex(key []byte) int {
	if n.keyMap == nil {
		for i := range n.keys {
			if n.keys[i].name == string(key) {
				return i
			}
		}
		return -1
	}
	if i, ok := n.keyMap[string(key)]; ok {
		return i
	}
	return -1
}

// stringSet holds the elements of an array with uniqueItems read so far.
type stringSet struct {
	buf [maxUniqueFast][]byte
	n   int
}

// addAt reads the element at d[i], which must be a string without
// escapes that the set does not hold yet, and adds it; any other element
// type is compared by value, which is the authority's job.
func (u *stringSet) addAt(d []byte, i int) bool {
	j, ok := u.indexAt(d, i)
	return ok && j < 0
}

// indexAt is addAt for a reader that goes on past an element equal to an
// earlier one: it returns that one's index (-1 when there is none, and
// the element was added), and ok false where addAt is unsure.
func (u *stringSet) indexAt(d []byte, i int) (equal int, ok bool) {
	end, escaped := jsonparse.StringAt(d, i)
	if end < 0 || escaped || u.n == maxUniqueFast {
		return -1, false
	}
	raw := d[i+1 : end-1]
	for j, prev := range u.buf[:u.n] {
		if bytes.Equal(prev, raw) {
			return j, true
		}
	}
	u.buf[u.n] = raw
	u.n++
	return -1, true
}
