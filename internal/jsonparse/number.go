package jsonparse

import "encoding/json"

// number parses the number at p.pos. The literal text is kept as it was
// written, so integers beyond 64 bits and exponents beyond float64 lose
// nothing before the validator sees them.
func (p *parser) number() (any, error) {
	end, err := p.scanNumber()
	if err != nil {
		return nil, err
	}
	n := json.Number(p.str[p.pos:end])
	p.pos = end
	return n, nil
}

// scanNumber checks the RFC 8259 number at p.pos and returns the offset
// just past it. The byte after it is left for the caller: what may follow
// a number depends on where it stands.
func (p *parser) scanNumber() (int, error) {
	d, i := p.data, p.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
		if i < len(d) && isDigit(d[i]) {
			return 0, p.failAt(i, "invalid number: leading zeros are not allowed")
		}
	case i < len(d) && isDigit(d[i]):
		i = skipDigits(d, i+1)
	default:
		return 0, p.failAt(i, "invalid number: expected a digit after '-'")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return 0, p.failAt(i, "invalid number: expected a digit after the decimal point")
		}
		i = skipDigits(d, i+1)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return 0, p.failAt(i, "invalid number: expected a digit in the exponent")
		}
		i = skipDigits(d, i+1)
	}
	return i, nil
}

func skipDigits(d []byte, i int) int {
	for i < len(d) && isDigit(d[i]) {
		i++
	}
	return i
}
