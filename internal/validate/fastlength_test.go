package validate

import (
	"testing"
	"unicode/utf8"
)

// TestLengthFits: judging minLength and maxLength by byte length first
// gives the character count's verdict on strings of 1- to 4-byte
// characters, at and around every bound.
func TestLengthFits(t *testing.T) {
	var strs []string
	for _, c := range []string{"a", "é", "€", "😀"} {
		s := ""
		for range 7 {
			strs = append(strs, s, s+"a", "a"+s+"é")
			s += c
		}
	}
	for _, s := range strs {
		for lo := -1; lo <= 9; lo++ {
			for hi := -1; hi <= 9; hi++ {
				n := &fastNode{minLen: lo, maxLen: hi}
				l := utf8.RuneCountInString(s)
				want := (lo < 0 || l >= lo) && (hi < 0 || l <= hi)
				if got := n.lengthFits([]byte(s)); got != want {
					t.Errorf("%q (%d characters) in [%d, %d]: %v, want %v", s, l, lo, hi, got, want)
				}
			}
		}
	}
}
