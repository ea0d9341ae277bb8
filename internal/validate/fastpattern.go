package validate

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// simplePattern is an anchored pattern made of character sets each taken
// a fixed number of times, of which only the last may vary in count, like
// ^[A-Z]{3}-[0-9]{4}$ or ^[A-Z0-9 -]{3,10}$. For those, a left-to-right
// scan without backtracking is exact, and several times faster than the
// regexp engine.
type simplePattern struct {
	parts []patternPart
	// fixed and tail are the pattern again for ASCII strings, where a
	// character is a byte: the set of each position of the fixed-count
	// parts, then the last part when its count varies (else an empty set
	// taken no times). fixed is nil when it would be long.
	fixed []asciiSet
	tail  patternPart
}

// asciiSet has bit c set when the set holds the ASCII character c: most
// values are ASCII, and one bit test is cheaper than decoding a rune and
// searching the ranges.
type asciiSet [2]uint64

// has reports whether the set holds c, which must be ASCII.
func (a *asciiSet) has(c byte) bool { return a[c>>6&1]&(1<<(c&63)) != 0 }

// maxFixed bounds the positions expanded into simplePattern.fixed.
const maxFixed = 64

type patternPart struct {
	ranges   []rune // pairs lo, hi, as regexp/syntax gives them
	min, max int    // max -1: unbounded
	ascii    asciiSet
}

// newPart is a part matching ranges from min to max times.
func newPart(ranges []rune, min, max int) patternPart {
	part := patternPart{ranges: ranges, min: min, max: max}
	for c := rune(0); c < utf8.RuneSelf; c++ {
		if inRanges(ranges, c) {
			part.ascii[c>>6] |= 1 << (c & 63)
		}
	}
	return part
}

// compileSimple returns the scanner for re, or nil when re is not of that
// shape: the regexp engine then stays in charge.
func compileSimple(re *regexp.Regexp) *simplePattern {
	if re == nil {
		return nil
	}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil || tree.Op != syntax.OpConcat || len(tree.Sub) < 2 {
		return nil
	}
	subs := tree.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil
	}
	p := &simplePattern{}
	for _, s := range subs[1 : len(subs)-1] {
		if !p.add(s) {
			return nil
		}
	}
	for _, part := range p.parts[:max(len(p.parts)-1, 0)] {
		if part.min != part.max {
			return nil // a varying count before the end would need backtracking
		}
	}
	p.expand()
	return p
}

// expand fills fixed and tail from parts.
func (p *simplePattern) expand() {
	parts := p.parts
	if n := len(parts); n > 0 && parts[n-1].min != parts[n-1].max {
		p.tail, parts = parts[n-1], parts[:n-1]
	}
	var fixed []asciiSet
	for _, part := range parts {
		if len(fixed)+part.min > maxFixed {
			return
		}
		for range part.min {
			fixed = append(fixed, part.ascii)
		}
	}
	p.fixed = fixed
	if p.fixed == nil {
		p.fixed = []asciiSet{} // none, but expanded
	}
}

// add appends the parts one node of the concatenation stands for.
func (p *simplePattern) add(s *syntax.Regexp) bool {
	if s.Flags&syntax.FoldCase != 0 {
		return false
	}
	switch s.Op {
	case syntax.OpLiteral:
		for _, r := range s.Rune {
			p.parts = append(p.parts, newPart([]rune{r, r}, 1, 1))
		}
		return true
	case syntax.OpCharClass:
		p.parts = append(p.parts, newPart(s.Rune, 1, 1))
		return true
	case syntax.OpRepeat, syntax.OpPlus, syntax.OpStar, syntax.OpQuest:
		set, ok := single(s.Sub[0])
		if !ok {
			return false
		}
		lo, hi := s.Min, s.Max
		switch s.Op {
		case syntax.OpPlus:
			lo, hi = 1, -1
		case syntax.OpStar:
			lo, hi = 0, -1
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		p.parts = append(p.parts, newPart(set, lo, hi))
		return true
	}
	return false
}

// single is the rune set of a node that matches exactly one rune.
func single(s *syntax.Regexp) ([]rune, bool) {
	switch {
	case s.Flags&syntax.FoldCase != 0:
		return nil, false
	case s.Op == syntax.OpCharClass:
		return s.Rune, true
	case s.Op == syntax.OpLiteral && len(s.Rune) == 1:
		return []rune{s.Rune[0], s.Rune[0]}, true
	}
	return nil, false
}

// match reports whether s matches, exactly as the regexp would; input
// that is not valid UTF-8 reports false, leaving it to the authority.
func (p *simplePattern) match(s []byte) bool {
	if p.fixed != nil {
		if ok, sure := p.matchASCII(s); sure {
			return ok
		}
	}
	return p.matchRunes(s)
}

// matchRunes is match character by character, for a string matchASCII is
// not sure of, or a pattern it cannot take (fixed nil).
func (p *simplePattern) matchRunes(s []byte) bool {
	i := 0
	for k := range p.parts {
		n, size := p.parts[k].run(s[i:])
		if n < p.parts[k].min {
			return false
		}
		i += size
	}
	return i == len(s)
}

// matchASCII is match for an ASCII string, a bit test a byte. It is sure
// of its answer unless it meets a byte above ASCII before deciding: then
// characters are not bytes, and match reads runes. A string with fewer
// bytes than the pattern's fixed characters has fewer characters too.
func (p *simplePattern) matchASCII(s []byte) (ok, sure bool) {
	if len(s) < len(p.fixed) {
		return false, true
	}
	for i := range p.fixed {
		if c := s[i]; c >= utf8.RuneSelf || !p.fixed[i].has(c) {
			return false, c < utf8.RuneSelf
		}
	}
	rest := s[len(p.fixed):]
	for _, c := range rest {
		if c >= utf8.RuneSelf || !p.tail.ascii.has(c) {
			return false, c < utf8.RuneSelf
		}
	}
	return len(rest) >= p.tail.min && (p.tail.max < 0 || len(rest) <= p.tail.max), true
}

// run counts the characters at the start of s that the part takes, up to
// its max, and the bytes they span; it stops at invalid UTF-8.
func (part *patternPart) run(s []byte) (n, i int) {
	for i < len(s) && (part.max < 0 || n < part.max) {
		if c := s[i]; c < utf8.RuneSelf {
			if !part.ascii.has(c) {
				break
			}
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if (r == utf8.RuneError && size == 1) || !inRanges(part.ranges, r) {
			break
		}
		i += size
		n++
	}
	return n, i
}

func inRanges(ranges []rune, r rune) bool {
	for j := 0; j+1 < len(ranges); j += 2 {
		if r >= ranges[j] && r <= ranges[j+1] {
			return true
		}
	}
	return false
}
