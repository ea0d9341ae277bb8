package wire

import (
	"errors"
	"math/big"
	"strconv"
)

// Number is a JSON number kept as the literal it was sent as, so that no
// digit is lost: decimals such as 0.1 or 19.99, and integers past what a
// float64 (2^53) or an int64 holds. The generator uses it for a "number"
// with a decimal multipleOf and for an "integer" without bounds that fit
// an int64.
//
// The zero Number encodes as 0. A Number built from a string that is not a
// JSON number fails to encode.
type Number string

// String returns the literal.
func (n Number) String() string { return string(n) }

// Rat returns the exact value, or false if n is not a number.
func (n Number) Rat() (*big.Rat, bool) {
	if n == "" {
		return new(big.Rat), true
	}
	if !validNumber(string(n)) {
		return nil, false
	}
	return new(big.Rat).SetString(string(n))
}

// Int64 returns the value as an int64 when it is an integer in range.
func (n Number) Int64() (int64, error) {
	r, ok := n.Rat()
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, errors.New("wire: " + strconv.Quote(string(n)) + " is not an int64")
	}
	return r.Num().Int64(), nil
}

// Float64 returns the nearest float64, which may round.
func (n Number) Float64() (float64, error) {
	if n == "" {
		return 0, nil
	}
	return strconv.ParseFloat(string(n), 64)
}

// MarshalJSON writes the literal as it is.
func (n Number) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	if !validNumber(string(n)) {
		return nil, errors.New("wire: " + strconv.Quote(string(n)) + " is not a JSON number")
	}
	return []byte(n), nil
}

// UnmarshalJSON keeps the literal; anything but a JSON number is an error.
func (n *Number) UnmarshalJSON(b []byte) error {
	if !validNumber(string(b)) {
		return errors.New("wire: a Number takes a JSON number, not " + string(b))
	}
	*n = Number(b)
	return nil
}

// validNumber reports whether s is exactly one JSON number literal
// (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
