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
}

type patternPart struct {
	ranges   []rune // pairs lo, hi, as regexp/syntax gives them
	min, max int    // max -1: unbounded
	// ascii has bit c set when the set holds the ASCII character c: most
	// values are ASCII, and one bit test is cheaper than decoding a rune
	// and searching the ranges.
	ascii [2]uint64
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
	return p
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

// run counts the characters at the start of s that the part takes, up to
// its max, and the bytes they span; it stops at invalid UTF-8.
func (part *patternPart) run(s []byte) (n, i int) {
	for i < len(s) && (part.max < 0 || n < part.max) {
		if c := s[i]; c < utf8.RuneSelf {
			if part.ascii[c>>6]&(1<<(c&63)) == 0 {
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
