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

// Decimal reads a number as Number does and, when it is in plain
// notation with an integer part of at most 18 digits (plain), its value.
// A validator comparing a number with bounds would otherwise walk its
// digits twice: once to check them and once more to learn its value.
func (r *Reader) Decimal() (v Decimal, plain, ok bool) {
	d, i := r.p.data, r.p.pos
	if d[i] == '-' {
		v.Neg, i = true, i+1
	}
	start := i
	for ; i < len(d) && isDigit(d[i]) && i-start < 18; i++ {
		v.Int = v.Int*10 + int64(d[i]-'0')
	}
	if i == start || i-start > 1 && d[start] == '0' || i < len(d) && isDigit(d[i]) {
		return r.notPlain() // no digit, a leading zero, or 19 digits or more
	}
	if i < len(d) && d[i] == '.' {
		fraction := i + 1
		for i = fraction; i < len(d) && isDigit(d[i]); i++ {
			if d[i] != '0' {
				v.Frac, v.Digits = true, i-fraction+1
			}
		}
		if i == fraction {
			return r.notPlain()
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') || i-r.p.pos > MaxNumberLength {
		return r.notPlain()
	}
	r.p.pos = i
	return v, true, true
}

// notPlain is Decimal for a number it does not read itself: Number
// checks it, or finds it malformed.
func (r *Reader) notPlain() (Decimal, bool, bool) {
	_, ok := r.Number()
	return Decimal{}, false, ok
}
