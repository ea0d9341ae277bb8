package jsonparse

import "bytes"

// smallObject is how many keys an object may have before duplicate
// detection in Valid and ParseObject switches from a linear scan to a map.
// Frames are mostly small objects, where comparing a few short keys is
// cheaper than hashing and needs no allocation.
const smallObject = 16

// object parses an object into a map. Duplicates are found by the map
// itself: an insert that does not grow it repeated a key.
func (p *parser) object() (any, error) {
	empty, err := p.open('}')
	if err != nil {
		return nil, err
	}
	m := make(map[string]any)
	if empty {
		return m, nil
	}
	for {
		k, key, err := p.stringKey()
		if err != nil {
			return nil, err
		}
		n := len(m)
		v, err := p.value()
		if err != nil {
			return nil, inMember(err, key)
		}
		if m[key] = v; len(m) == n {
			return nil, &DuplicateKeyError{Offset: k.off, Key: key}
		}
		if more, err := p.next('}', "expected ',' or '}' after object member"); err != nil || !more {
			return m, err
		}
	}
}

// array parses an array. Elements are gathered in a stack buffer first so
// that the result is allocated once at its exact length.
func (p *parser) array() (any, error) {
	empty, err := p.open(']')
	if err != nil {
		return nil, err
	}
	if empty {
		return []any{}, nil
	}
	var buf [8]any
	vals := buf[:0]
	for {
		v, err := p.value()
		if err != nil {
			return nil, inElement(err, len(vals))
		}
		vals = append(vals, v)
		more, err := p.next(']', "expected ',' or ']' after array element")
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	out := make([]any, len(vals))
	copy(out, vals)
	return out, nil
}

// checkObject is object for Valid.
func (p *parser) checkObject() error {
	empty, err := p.open('}')
	if err != nil || empty {
		return err
	}
	var buf [smallObject][]byte
	keys := keySet{small: buf[:0]}
	arenaMark := len(p.arena)
	for {
		keyOff := p.pos
		start, end, escaped, err := p.memberKey()
		if err != nil {
			return err
		}
		key := p.keyBytes(start, end, escaped)
		if err := p.check(); err != nil {
			return inMember(err, string(key))
		}
		var dup bool
		if keys, dup = keys.add(key); dup {
			return &DuplicateKeyError{Offset: keyOff, Key: string(key)}
		}
		if more, err := p.next('}', "expected ',' or '}' after object member"); err != nil || !more {
			// This object's decoded keys are no longer needed.
			p.arena = p.arena[:arenaMark]
			return err
		}
	}
}

// checkArray is array for Valid.
func (p *parser) checkArray() error {
	empty, err := p.open(']')
	if err != nil || empty {
		return err
	}
	for i := 0; ; i++ {
		if err := p.check(); err != nil {
			return inElement(err, i)
		}
		if more, err := p.next(']', "expected ',' or ']' after array element"); err != nil || !more {
			return err
		}
	}
}

// open enters the array or object whose bracket is at p.pos, enforcing the
// depth limit, and reports whether it is empty (closing bracket consumed).
func (p *parser) open(closer byte) (empty bool, err error) {
	if p.depth >= p.maxDepth {
		return false, &DepthError{Offset: p.pos, MaxDepth: p.maxDepth}
	}
	p.depth++
	p.pos++
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == closer {
		p.pos++
		p.depth--
		return true, nil
	}
	return false, nil
}

// next consumes the ',' or closing bracket after an element and reports
// whether another element follows.
func (p *parser) next(closer byte, expected string) (more bool, err error) {
	d := p.data
	i := skipSpaceAt(d, p.pos)
	if i < len(d) {
		switch d[i] {
		case ',':
			i = skipSpaceAt(d, i+1)
			p.pos = i
			if i < len(d) && d[i] == closer {
				return false, &SyntaxError{Offset: i, Msg: "trailing comma before '" + string(closer) + "'"}
			}
			return true, nil
		case closer:
			p.pos = i + 1
			p.depth--
			return false, nil
		}
	}
	p.pos = i
	return false, p.fail(expected)
}

// memberKey consumes an object key, the ':' after it and the whitespace
// before the value, returning the bounds of the key's contents.
func (p *parser) memberKey() (start, end int, escaped bool, err error) {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return 0, 0, false, p.fail("expected a string as object key")
	}
	if start, end, escaped, err = p.scanString(); err != nil {
		return 0, 0, false, err
	}
	d := p.data
	i := skipSpaceAt(d, p.pos)
	if i >= len(d) || d[i] != ':' {
		p.pos = i
		return 0, 0, false, p.fail("expected ':' after object key")
	}
	p.pos = skipSpaceAt(d, i+1)
	return start, end, escaped, nil
}

// keySpan is an object key as memberKey found it: where the key begins,
// for a duplicate's error, and the bounds of its contents.
type keySpan struct {
	off, start, end int
	escaped         bool
}

// stringKey is memberKey for the parses that keep keys (Parse and
// ParseObject), with the key decoded.
func (p *parser) stringKey() (k keySpan, key string, err error) {
	k.off = p.pos
	if k.start, k.end, k.escaped, err = p.memberKey(); err != nil {
		return k, "", err
	}
	return k, p.keyString(k.start, k.end, k.escaped), nil
}

// keySet remembers the keys of one object to find a repeated one. It is
// passed by value so that its small buffer can stay on the caller's stack.
type keySet struct {
	small [][]byte            // keys while there are few
	large map[string]struct{} // all keys once there are many
}

// add records key and reports whether it was already present.
func (k keySet) add(key []byte) (keySet, bool) {
	if k.large == nil {
		for _, prev := range k.small {
			if bytes.Equal(prev, key) {
				return k, true
			}
		}
		if len(k.small) < smallObject {
			k.small = append(k.small, key)
			return k, false
		}
		k.large = make(map[string]struct{}, 2*smallObject)
		for _, prev := range k.small {
			k.large[string(prev)] = struct{}{}
		}
	}
	if _, ok := k.large[string(key)]; ok {
		return k, true
	}
	k.large[string(key)] = struct{}{}
	return k, false
}
