package jsonparse

import (
	"strings"
	"testing"
)

// TestNumberRange pins the bounds of MaxNumberLength and MaxExponent: the
// validator compares numbers exactly with math/big, which panics past an
// exponent of a million and costs seconds on a megabyte of digits.
func TestNumberRange(t *testing.T) {
	long := strings.Repeat("9", MaxNumberLength)
	cases := []struct {
		in string
		ok bool
	}{
		{"1e1000", true}, {"-1E-1000", true}, {"1e+0001000", true}, {"1e0000000000000000000000000000001", true},
		{"18446744073709551616", true}, {long, true}, {"-" + long[1:], true}, {"0." + long[2:], true},
		{"1e1001", false}, {"1e-1001", false}, {"1e1000000", false}, {"1e9999999999999999999999", false},
		{long + "0", false}, {"-" + long, false}, {"1." + long, false},
	}
	for _, c := range cases {
		for _, in := range []string{c.in, "[" + c.in + "]", `{"n":` + c.in + `}`} {
			_, err := Parse([]byte(in), 0)
			if (err == nil) != c.ok {
				t.Errorf("Parse(%.40s…) = %v, want ok=%v", in, err, c.ok)
			}
			if verr := Valid([]byte(in), 0); (verr == nil) != c.ok {
				t.Errorf("Valid(%.40s…) = %v, want ok=%v", in, verr, c.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "number out of range") {
				t.Errorf("Parse(%.40s…) error %q does not say why", in, err)
			}
		}
	}
}
