package jsonparse

import (
	"encoding/json"
	"strconv"
)

// number parses the number at p.pos. The literal text is kept as it was
// written, so integers beyond 64 bits and exponents beyond float64 lose
// nothing before the validator sees them.
func (p *parser) number() (any, error) {
	end, err := p.scanNumber()
	if err != nil {
		return nil, err
	}
	n := json.Number(p.text(p.pos, end))
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
		e := i
		i = skipDigits(d, i+1)
		if exponentTooLarge(d[e:i]) {
			return 0, &SyntaxError{Offset: p.pos, Msg: "number out of range: the exponent must be within ±" + strconv.Itoa(MaxExponent)}
		}
	}
	if i-p.pos > MaxNumberLength {
		return 0, &SyntaxError{Offset: p.pos, Msg: "number out of range: longer than " + strconv.Itoa(MaxNumberLength) + " characters"}
	}
	return i, nil
}

// MaxNumberLength and MaxExponent bound a number literal. Numbers are kept
// as written and the validator compares them exactly, as math/big.Rat: its
// cost grows with the square of the digits (a megabyte of digits takes
// seconds) and with the exponent, and past an exponent of a million
// big.Rat gives up and the validator dereferences nil and panics, so a
// ten-byte 1e9999999 would kill the check. Within these bounds every digit
// is still kept: 2^64 and beyond, 1e400, 0.1 to a thousand places.
const (
	MaxNumberLength = 1000
	MaxExponent     = 1000
)

// exponentTooLarge reports whether the exponent digits exp stand for more
// than MaxExponent, without overflowing on any length.
func exponentTooLarge(exp []byte) bool {
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	if len(exp) > 4 {
		return true
	}
	n := 0
	for _, c := range exp {
		n = n*10 + int(c-'0')
	}
	return n > MaxExponent
}

func skipDigits(d []byte, i int) int {
	for i < len(d) && isDigit(d[i]) {
		i++
	}
	return i
}

// Decimal is a number in plain notation (no exponent) whose integer part
// has at most 18 digits, so that it fits an int64: enough to compare it
// exactly with an integer bound or a multiple of a power of ten.
type Decimal struct {
	Neg    bool
	Int    int64 // the integer part's magnitude
	Frac   bool  // a nonzero fraction follows
	Digits int   // fraction digits up to the last nonzero one
}

// DecimalAt checks the number at d[i] as Parse would and returns the
// offset just past it (-1 when no valid number starts at d[i], i >= 0)
// and, when it is in plain notation with an integer part of at most 18
// digits (plain), its value. It reads the digits once: a validator
// comparing a number with bounds would otherwise walk them twice, once to
// check them and once more to learn the value. Like StringAt, it is for
// a caller that walks the bytes itself.
func DecimalAt(d []byte, i int) (v Decimal, end int, plain bool) {
	first := i
	if i < len(d) && d[i] == '-' {
		v.Neg, i = true, i+1
	}
	start := i
	for ; i < len(d) && isDigit(d[i]); i++ {
		v.Int = v.Int*10 + int64(d[i]-'0') // wraps past 18 digits, then unused
	}
	if i == start || i-start > 18 || i-start > 1 && d[start] == '0' {
		return Decimal{}, numberEnd(d, first), false // no digit, 19 digits or more, or a leading zero
	}
	if i < len(d) && d[i] == '.' {
		fraction := i + 1
		if i = skipDigits(d, fraction); i == fraction {
			return Decimal{}, -1, false
		}
		// Up to the last nonzero digit: d[fraction-1], the '.', ends the walk back.
		last := i
		for d[last-1] == '0' {
			last--
		}
		v.Frac, v.Digits = last > fraction, last-fraction
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') || i-first > MaxNumberLength {
		return Decimal{}, numberEnd(d, first), false
	}
	return v, i, true
}

// numberEnd is DecimalAt for a number it does not read itself:
// scanNumber checks it, or finds it malformed.
func numberEnd(d []byte, i int) int {
	if i >= len(d) {
		return -1
	}
	p := parser{data: d, pos: i}
	end, err := p.scanNumber()
	if err != nil {
		return -1
	}
	return end
}
