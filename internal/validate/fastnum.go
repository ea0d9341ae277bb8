package validate

import "github.com/schemagate/schemagate/internal/jsonparse"

// decimal is a JSON number in plain notation (no exponent) whose integer
// part fits int64: enough to compare it exactly with an integer bound.
// The checker reads it with its text (jsonparse.DecimalAt).
type decimal jsonparse.Decimal

// parseDecimal reads s, which the parser has already checked is a JSON
// number; ok is false for exponents and integer parts over 18 digits.
func parseDecimal[T ~string | ~[]byte](s T) (d decimal, ok bool) {
	if len(s) > 0 && s[0] == '-' {
		d.Neg, s = true, s[1:]
	}
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if i == 18 {
			return d, false
		}
		d.Int = d.Int*10 + int64(s[i]-'0')
	}
	if i == 0 {
		return d, false
	}
	if i < len(s) && s[i] == '.' {
		for j := i + 1; j < len(s); j++ {
			switch c := s[j]; {
			case c >= '1' && c <= '9':
				d.Frac, d.Digits = true, j-i
			case c != '0':
				return d, false
			}
		}
		return d, true
	}
	return d, i == len(s)
}

// atLeast reports x >= b for an integer b: with ip an integer and the
// fraction in [0, 1), a positive x reaches b exactly when ip does.
func (d decimal) atLeast(b int64) bool {
	if !d.Neg {
		return d.Int >= b
	}
	// -(ip+f) >= b  <=>  ip+f <= -b
	return d.Int < -b || (d.Int == -b && !d.Frac)
}

// atMost reports x <= b, as -x >= -b.
func (d decimal) atMost(b int64) bool {
	n := d
	n.Neg = !d.Neg
	if d.Int == 0 && !d.Frac {
		n.Neg = false // zero has no sign to flip
	}
	return n.atLeast(-b)
}

// numeric says whether any numeric keyword is set.
func (n *fastNode) numeric() bool {
	return n.min.set || n.max.set || n.exMin.set || n.exMax.set || n.multipleOf.set
}

// number checks the numeric keywords on the number's decimal value; any
// bound it cannot compare exactly sends the instance to the authority.
func (n *fastNode) number(d decimal) bool {
	switch {
	case n.min.set && !(n.min.exact && d.atLeast(n.min.v)),
		n.max.set && !(n.max.exact && d.atMost(n.max.v)),
		n.exMin.set && !(n.exMin.exact && !d.atMost(n.exMin.v)),
		n.exMax.set && !(n.exMax.exact && !d.atLeast(n.exMax.v)):
		return false
	}
	return !n.multipleOf.set || n.multipleOf.of(d)
}

func (m multiple) of(d decimal) bool {
	switch {
	case !m.exact:
		return false
	case m.n > 0:
		return !d.Frac && d.Int%m.n == 0
	}
	return d.Digits <= m.digits
}
