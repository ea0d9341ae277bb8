package event

import "strings"

// TypePattern is the contract's rule for an event type name; schema folders
// follow it too, so every loadable type is also a sendable one.
const TypePattern = `^[a-z][a-z0-9_.-]{0,127}$`

// MaxVersion keeps versions in the range a file name v<N>.json can have:
// at most nine digits.
const MaxVersion = 999_999_999

// ValidType reports whether s matches TypePattern. It runs on every frame,
// so it is written out; FuzzValidType holds it to the pattern.
func ValidType(s string) bool {
	if len(s) == 0 || len(s) > 128 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z') && !('0' <= c && c <= '9') && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// ParseVersionLiteral reads a version the way an envelope carries it: a JSON
// integer literal from 1 to MaxVersion. "1", 1.0, 01 and true are not
// versions.
func ParseVersionLiteral(raw []byte) (int, bool) { return digits(raw) }

// ParseVersion reads a version the way paths and file names write it: "v"
// and the literal, as in v1 (never 1, v01 or V1).
func ParseVersion(s string) (int, bool) {
	if len(s) < 2 || s[0] != 'v' {
		return 0, false
	}
	return digits(s[1:])
}

// digits is the one reading of a version's number: 1 to 9 digits, no
// leading zero, so that 1 to MaxVersion and nothing else passes.
func digits[S string | []byte](s S) (int, bool) {
	if len(s) == 0 || len(s) > 9 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// ParseName reads a key written as Key.Name does: "person/v1".
func ParseName(s string) (Key, bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 || !ValidType(s[:i]) {
		return Key{}, false
	}
	v, ok := ParseVersion(s[i+1:])
	if !ok {
		return Key{}, false
	}
	return Key{Type: s[:i], Version: v}, true
}
