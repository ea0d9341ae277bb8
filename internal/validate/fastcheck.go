package validate

import "github.com/schemagate/schemagate/internal/jsonparse"

// The checker reads a value against a fastNode by walking its bytes
// itself, the offset in a register, with jsonparse's (d, i) primitives
// for the tokens: a Reader call per token, each loading and storing the
// Reader's fields through a pointer, cost more than the tokens of a
// frame take to read (issue 19). Each function returns the offset just
// past what it read, or -1 for "not certain": malformed by jsonparse's
// rules, or possibly invalid, which the parser and the authority decide.
// depth is how many arrays and objects are open around the value.

// check reads one value and checks it against n and every schema n
// applies by $ref and allOf, each of which reads it again from i.
func (n *fastNode) check(s *fastScan, d []byte, i, depth int) int {
	if v := n.direct; v != nil {
		return v.checkOwn(s, d, i, depth) // n itself, or a bare $ref's end
	}
	end := n.checkOwn(s, d, i, depth)
	for _, a := range n.applied {
		if end < 0 || a.node.check(s, d, i, depth) < 0 {
			return -1
		}
	}
	return end
}

// checkOwn reads one value and checks n's own keywords on it, by the
// value's first byte.
func (n *fastNode) checkOwn(s *fastScan, d []byte, i, depth int) int {
	if n.always != nil {
		if !*n.always {
			return -1
		}
		return s.skip(i, depth)
	}
	if i >= len(d) {
		return -1
	}
	switch c := d[i]; c {
	case '{', '[':
		t, whole := tObject, n.anyObject
		if c == '[' {
			t, whole = tArray, n.anyArray
		}
		switch {
		case !n.allows(t) || !n.plain():
			return -1
		case whole: // no keyword looks inside
			return s.skip(i, depth)
		case c == '{':
			return n.object(s, d, i, depth)
		}
		return n.array(s, d, i, depth)
	case '"':
		if !n.allows(tString) {
			return -1
		}
		return n.stringAt(s, d, i)
	case 't', 'f', 'n':
		return n.literalAt(d, i)
	}
	return n.numberAt(d, i)
}

// skip reads the value at d[i], whatever it is, by the parser's own
// rules (Reader.Skip, which finds repeated keys too): for values no
// keyword looks into, rare in frames.
func (s *fastScan) skip(i, depth int) int {
	s.r.Seek(i, depth)
	if !s.r.Skip() {
		return -1
	}
	return s.r.Mark().Pos()
}

// appliedAt reads a member or element against sub, or just reads it
// when any value will do (sub nil). object and array call it only for a
// schema without a direct node (see fastNode.direct): the usual member
// goes to its direct node's checkOwn, called in their loops themselves
// because a call less on a path of nanoseconds is ~5% of an order.
func (s *fastScan) appliedAt(sub *fastNode, d []byte, i, depth int) int {
	if sub == nil {
		return s.skip(i, depth)
	}
	return sub.check(s, d, i, depth)
}

// literalAt reads true, false or null, which d[i] starts, and checks it.
func (n *fastNode) literalAt(d []byte, i int) int {
	word, t, v := "null", tNull, any(nil)
	switch d[i] {
	case 't':
		word, t, v = "true", tBoolean, true
	case 'f':
		word, t, v = "false", tBoolean, false
	}
	end := i + len(word)
	if end > len(d) || string(d[i:end]) != word ||
		!n.allows(t) || n.formatAll || n.hasEnum && !n.inEnum(v) {
		return -1
	}
	return end
}

// object reads an object member by member. Declared (and required) keys
// are found by index, a bit each, which also catches them repeated; other
// keys are compared with each other for the same reason.
func (n *fastNode) object(s *fastScan, d []byte, i, depth int) int {
	if !n.indexed || depth >= s.r.MaxDepth() {
		return -1
	}
	var k keyTracker
	i = space(d, i+1)
	more := i >= len(d) || d[i] != '}'
	if !more {
		i++
	}
	for more {
		sub, j := n.memberAt(s, d, i, &k)
		if j < 0 {
			return -1
		}
		if sub != nil && sub.direct != nil { // the usual: see appliedAt
			switch v := sub.direct; v.only { // most members are scalars: a call less
			case tString:
				i = v.stringAt(s, d, j)
			case tNumber:
				i = v.numberAt(d, j)
			default:
				i = v.checkOwn(s, d, j, depth+1)
			}
		} else {
			i = s.appliedAt(sub, d, j, depth+1)
		}
		if i >= 0 && i < len(d) && d[i] == ',' {
			i = space(d, i+1) // the usual: no space before ','
		} else if i, more = nextAt(d, i, '}'); i < 0 {
			return -1
		}
	}
	if !k.fits(n) {
		return -1
	}
	return i
}

// memberAt reads a member's key at d[i], the ':' after it and the
// whitespace before its value, and returns the schema the value must
// match, as member does, and the value's offset. The key after the last
// one found is the likeliest (see keyFrom): it is tried first by its
// literal, which reads it without scanning it as a string or comparing
// it again.
func (n *fastNode) memberAt(s *fastScan, d []byte, i int, k *keyTracker) (sub *fastNode, value int) {
	h, j := k.next, -1
	if h < len(n.keys) {
		if lit := &n.keys[h].lit; len(d)-i >= 16 && lit.masks[0] != 0 {
			j = lit.matchWords(d, i)
		} else {
			j = lit.matchShort(d, i)
		}
	}
	if j < 0 {
		if h, j = n.otherKey(d, i); j < 0 {
			return n.anyMember(s, d, i, k)
		}
	}
	sub, denied, ok := n.admitIndex(h, k)
	switch {
	case !ok || denied:
		return nil, -1
	case j < len(d) && d[j] == ':':
		return sub, space(d, j+1) // the usual: no space before ':'
	}
	return sub, colonAt(d, j)
}

// otherKey is memberAt's literal match for a key other than the
// likeliest: senders skip optional keys and order the rest as they like,
// and trying each of a few literals costs less than scanning the key and
// comparing it as a string. It returns the key's index and the offset
// just past it, or -1 for none.
func (n *fastNode) otherKey(d []byte, i int) (h, end int) {
	if n.keyMap != nil || len(d)-i < 16 {
		return -1, -1 // too many keys to try, or near the end of d
	}
	a, b := wordsAt(d, i)
	for h := range n.keys {
		if l := &n.keys[h].lit; l.masks[0] != 0 && l.is(a, b) {
			return h, i + len(l.quoted)
		}
	}
	return -1, -1
}

// anyMember is memberAt for a key that is not the likeliest one.
func (n *fastNode) anyMember(s *fastScan, d []byte, i int, k *keyTracker) (sub *fastNode, value int) {
	end, escaped := jsonparse.StringAt(d, i)
	if end < 0 {
		return nil, -1
	}
	key := d[i+1 : end-1]
	if escaped {
		// "\u0061" and "a" are one key. An earlier key's bytes stay
		// put when keys grows: append copies, it never moves them.
		mark := len(s.keys)
		s.keys = jsonparse.AppendUnescaped(s.keys, key)
		key = s.keys[mark:]
	}
	sub, ok := n.member(key, k)
	if !ok {
		return nil, -1
	}
	return sub, colonAt(d, end)
}

// nextAt reads what follows a member or element that ends at d[i] (-1: it
// did not): ',' and the whitespace after it (more is true), or closer.
// A closer after ',' is left for the next member or element to refuse, as
// it refuses every byte that cannot start one.
func nextAt(d []byte, i int, closer byte) (next int, more bool) {
	if i < 0 {
		return -1, false
	}
	if i = space(d, i); i < len(d) {
		switch d[i] {
		case ',':
			return space(d, i+1), true
		case closer:
			return i + 1, false
		}
	}
	return -1, false
}

func (n *fastNode) array(s *fastScan, d []byte, i, depth int) int {
	if depth >= s.r.MaxDepth() {
		return -1
	}
	var seen stringSet
	count := 0
	i = space(d, i+1)
	more := i >= len(d) || d[i] != ']'
	if !more {
		i++
	}
	for ; more; count++ {
		if n.unique && !seen.addAt(d, i) {
			return -1
		}
		if sub := n.items; sub != nil && sub.direct != nil { // as in object
			i = sub.direct.checkOwn(s, d, i, depth+1)
		} else {
			i = s.appliedAt(sub, d, i, depth+1)
		}
		if i >= 0 && i < len(d) && d[i] == ',' {
			i = space(d, i+1)
		} else if i, more = nextAt(d, i, ']'); i < 0 {
			return -1
		}
	}
	if n.minItems >= 0 && count < n.minItems || n.maxItems >= 0 && count > n.maxItems {
		return -1
	}
	return i
}
