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

// scan reads one value and reports whether it certainly matches n and
// every schema n applies by $ref and allOf. Each of those reads the value
// again from the same mark: a value can only be read once per pass.
func (n *fastNode) scan(s *fastScan) bool {
	if len(n.applied) == 0 {
		return n.scanOwn(s)
	}
	if !n.own && len(n.applied) == 1 {
		return n.applied[0].node.scan(s) // a bare $ref, the usual case
	}
	start := s.r.Mark()
	if !n.scanOwn(s) {
		return false
	}
	end := s.r.Mark()
	for _, a := range n.applied {
		s.r.Reset(start)
		if !a.node.scan(s) {
			return false
		}
	}
	s.r.Reset(end)
	return true
}

// scanOwn reads one value and checks n's own keywords on it.
func (n *fastNode) scanOwn(s *fastScan) bool {
	if n.always != nil {
		return *n.always && s.r.Skip()
	}
	switch s.r.Peek() {
	case jsonparse.Object:
		if n.anyObject {
			return n.allows(tObject) && n.plain() && s.r.Skip()
		}
		return n.allows(tObject) && n.plain() && n.object(s)
	case jsonparse.Array:
		if n.anyArray {
			return n.allows(tArray) && n.plain() && s.r.Skip()
		}
		return n.allows(tArray) && n.plain() && n.array(s)
	case jsonparse.String:
		return n.allows(tString) && n.stringValue(s)
	case jsonparse.Number:
		return n.numberValue(s)
	case jsonparse.Bool:
		v, ok := s.r.Bool()
		return ok && n.allows(tBoolean) && !n.formatAll && (!n.hasEnum || n.inEnum(v))
	case jsonparse.Null:
		return s.r.Null() && n.allows(tNull) && !n.formatAll && (!n.hasEnum || n.inEnum(nil))
	}
	return false
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

func (n *fastNode) stringValue(s *fastScan) bool {
	raw, escaped, ok := s.r.String()
	if !ok {
		return false
	}
	if escaped {
		s.scratch = jsonparse.AppendUnescaped(s.scratch[:0], raw)
		raw = s.scratch
	}
	if n.hasEnum && !n.inEnumString(raw) {
		return false
	}
	// The library's own checker decides, so both paths agree on every
	// format; a quick look first spares it (and its allocations) the
	// plain cases.
	if n.format != nil && (n.quick == nil || !n.quick(raw)) && !n.format(string(raw)) {
		return false
	}
	return n.str(raw)
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
	if !n.lengthFits(s) {
		return false
	}
	if n.simple != nil {
		return n.simple.match(s)
	}
	return n.pattern == nil || n.pattern.Match(s)
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

// numberValue reads a number and checks it, its value read with its
// text (jsonparse.Reader.Decimal).
func (n *fastNode) numberValue(s *fastScan) bool {
	v, plain, ok := s.r.Decimal()
	if !ok || n.hasEnum || n.formatAll {
		return false // numbers compare by value: the authority's job
	}
	integerOnly := n.types != 0 && n.types&tNumber == 0
	if !integerOnly && !n.numeric() {
		return true
	}
	if !plain {
		return false
	}
	d := decimal(v)
	if integerOnly && (n.types&tInteger == 0 || d.Frac) {
		// "1.0" and "1e2" are integers too; only plain digits are decided here.
		return false
	}
	return n.number(d)
}

// object reads an object member by member. Declared (and required) keys
// are found by index, a bit each, which also catches them repeated; other
// keys are compared with each other for the same reason.
func (n *fastNode) object(s *fastScan) bool {
	if !n.indexed {
		return false
	}
	empty, ok := s.r.Open()
	if !ok {
		return false
	}
	var k keyTracker
	for more := !empty; more; {
		sub, ok := n.nextMember(s, &k)
		if !ok || !scanOrSkip(s, sub) {
			return false
		}
		if more, ok = s.r.NextMember(); !ok {
			return false
		}
	}
	return k.seen&n.requiredMask == n.requiredMask &&
		(n.minProps < 0 || k.count >= n.minProps) && (n.maxProps < 0 || k.count <= n.maxProps)
}

// nextMember reads a member's key and returns the schema its value must
// match, as member does. The key after the last one found is the
// likeliest (see keyFrom): it is tried first by its literal, which reads
// it without scanning it as a string or comparing it again.
func (n *fastNode) nextMember(s *fastScan, k *keyTracker) (sub *fastNode, ok bool) {
	if h := k.next; h < len(n.keys) && s.r.KeyIs(n.keys[h].quoted) {
		sub, denied, ok := n.admitIndex(h, k)
		return sub, ok && !denied
	}
	key, escaped, ok := s.r.Key()
	if !ok {
		return nil, false
	}
	if escaped {
		// "\u0061" and "a" are one key. An earlier key's bytes stay
		// put when keys grows: append copies, it never moves them.
		mark := len(s.keys)
		s.keys = jsonparse.AppendUnescaped(s.keys, key)
		key = s.keys[mark:]
	}
	return n.member(key, k)
}

// keyTracker is what object remembers of the keys it has read.
type keyTracker struct {
	seen     uint64 // bits of n.keys
	count    int
	next     int // the index after the last key found: the likeliest next
	extraBuf [maxExtraKeys][]byte
	extra    int
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

// scanOrSkip reads a value against sub, or just reads it when any value
// will do.
func scanOrSkip(s *fastScan, sub *fastNode) bool {
	if sub == nil {
		return s.r.Skip()
	}
	return sub.scan(s)
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

func (n *fastNode) array(s *fastScan) bool {
	empty, ok := s.r.Open()
	if !ok {
		return false
	}
	var seen stringSet
	count := 0
	for more := !empty; more; {
		if n.unique && !seen.addNext(s) {
			return false
		}
		if !scanOrSkip(s, n.items) {
			return false
		}
		count++
		if more, ok = s.r.NextElement(); !ok {
			return false
		}
	}
	return (n.minItems < 0 || count >= n.minItems) && (n.maxItems < 0 || count <= n.maxItems)
}

// stringSet holds the elements of an array with uniqueItems read so far.
type stringSet struct {
	buf [maxUniqueFast][]byte
	n   int
}

// addNext peeks at the next element, which must be a string without
// escapes that the set does not hold yet, and adds it; any other element
// type is compared by value, which is the authority's job.
func (u *stringSet) addNext(s *fastScan) bool {
	j, ok := u.indexNext(s)
	return ok && j < 0
}

// indexNext is addNext for a reader that goes on past an element equal to
// an earlier one: it returns that one's index (-1 when there is none, and
// the element was added), and ok false where addNext is unsure.
func (u *stringSet) indexNext(s *fastScan) (equal int, ok bool) {
	if s.r.Peek() != jsonparse.String || u.n == maxUniqueFast {
		return -1, false
	}
	mark := s.r.Mark()
	raw, escaped, ok := s.r.String()
	s.r.Reset(mark)
	if !ok || escaped {
		return -1, false
	}
	for j, prev := range u.buf[:u.n] {
		if bytes.Equal(prev, raw) {
			return j, true
		}
	}
	u.buf[u.n] = raw
	u.n++
	return -1, true
}
