package jsonparse

// Member is one member of a top-level object: its key, its value when that
// is a string, number, boolean or null, and Raw, the value's exact bytes
// with surrounding whitespace trimmed, so a caller can forward a value as
// it came or hand it to a Reader. An object or array is checked by the
// same rules as Parse but not built: its Value is nil and Raw is all there
// is, because building it is most of the cost of a frame and a validator
// that reads bytes does not need it.
//
// Raw is a subslice of the input to ParseObject, not a copy: it is only
// valid until the caller reuses that buffer. Key and Value do not alias the
// input.
type Member struct {
	Key   string
	Value any
	Raw   []byte
}

// ParseObject parses b, which must be one JSON object, into its members in
// document order, by the same rules as Parse; duplicate keys are refused.
// The object is depth 1, so its members' values count toward maxDepth.
// If b is valid JSON but not an object, it returns ErrNotObject.
func ParseObject(b []byte, maxDepth int) ([]Member, error) {
	p := newParser(b, maxDepth, false)
	p.skipSpace()
	if p.pos >= len(b) || b[p.pos] != '{' {
		// Not an object; report why it is not JSON if it is not.
		if err := Valid(b, maxDepth); err != nil {
			return nil, err
		}
		return nil, ErrNotObject
	}
	members, err := p.members()
	if err = p.end(err); err != nil {
		return nil, err
	}
	return members, nil
}

// members parses the object at p.pos into its members; an empty object
// has none (a nil slice).
func (p *parser) members() ([]Member, error) {
	empty, err := p.open('}')
	if err != nil || empty {
		return nil, err
	}
	var buf [smallObject][]byte
	keys := keySet{small: buf[:0]}
	members := make([]Member, 0, 4) // an event envelope has four members
	for {
		k, key, err := p.stringKey()
		if err != nil {
			return nil, err
		}
		valStart := p.pos
		v, err := p.shallow()
		if err != nil {
			return nil, inMember(err, key)
		}
		var dup bool
		if keys, dup = keys.add(p.keyBytes(k.start, k.end, k.escaped)); dup {
			return nil, &DuplicateKeyError{Offset: k.off, Key: key}
		}
		members = append(members, Member{Key: key, Value: v, Raw: p.data[valStart:p.pos]})
		more, err := p.next('}', "expected ',' or '}' after object member")
		if err != nil {
			return nil, err
		}
		if !more {
			return members, nil
		}
	}
}

// shallow parses a scalar value or checks a container without building it.
func (p *parser) shallow() (any, error) {
	if p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '{', '[':
			mark := len(p.arena)
			err := p.check()
			p.arena = p.arena[:mark]
			return nil, err
		}
	}
	return p.value()
}
