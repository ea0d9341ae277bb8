package validate

import "unicode/utf8"

// quickFormat returns a checker for the named format that answers
// "certainly valid" for the common shapes of its values without
// allocating, or nil. Like the rest of the fast path it never rejects: a
// value it is unsure of goes to the library's own checker, which decides.
// FuzzQuickFormat holds each to the library.
func quickFormat(name string) func([]byte) bool {
	switch name {
	case "uuid":
		return quickUUID
	case "date-time":
		return quickDateTime
	case "date":
		return func(b []byte) bool { return len(b) == 10 && quickDate(b) }
	case "email":
		return quickEmail
	}
	return nil
}

// quickUUID: 8-4-4-4-12 hex digits, the whole of the library's rule.
// The hyphens are checked where they stand and the digits run by run, a
// bit test each, rather than asking of every byte where it stands.
func quickUUID(b []byte) bool {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return false
	}
	return hexRun(b[:8]) && hexRun(b[9:13]) && hexRun(b[14:18]) && hexRun(b[19:23]) && hexRun(b[24:])
}

// hexRun: every byte of b is a hex digit.
func hexRun(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || !hexChars.has(c) {
			return false
		}
	}
	return true
}

// quickDateTime: yyyy-mm-ddThh:mm:ss, an optional fraction, then Z or
// ±hh:mm. A leap second (:60) is the library's to judge.
func quickDateTime(b []byte) bool {
	if len(b) < 20 || (b[10] != 'T' && b[10] != 't') || !quickDate(b[:10]) {
		return false
	}
	t := b[11:]
	if t[2] != ':' || t[5] != ':' || !twoDigits(t[0:2], 23) || !twoDigits(t[3:5], 59) || !twoDigits(t[6:8], 59) {
		return false
	}
	t = t[8:]
	if t[0] == '.' {
		i := 1
		for i < len(t) && '0' <= t[i] && t[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		t = t[i:]
	}
	switch {
	case len(t) == 1:
		return t[0] == 'Z' || t[0] == 'z'
	case len(t) == 6:
		return (t[0] == '+' || t[0] == '-') && t[3] == ':' && twoDigits(t[1:3], 23) && twoDigits(t[4:6], 59)
	}
	return false
}

// quickDate: yyyy-mm-dd naming a day that exists.
func quickDate(b []byte) bool {
	if b[4] != '-' || b[7] != '-' || !twoDigits(b[0:2], 99) || !twoDigits(b[2:4], 99) ||
		!twoDigits(b[5:7], 12) || !twoDigits(b[8:10], 31) {
		return false
	}
	year := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	month := int(b[5]-'0')*10 + int(b[6]-'0')
	day := int(b[8]-'0')*10 + int(b[9]-'0')
	return month >= 1 && day >= 1 && day <= daysIn(month, year)
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// twoDigits: b is two decimal digits making at most max.
func twoDigits(b []byte, max int) bool {
	return '0' <= b[0] && b[0] <= '9' && '0' <= b[1] && b[1] <= '9' && int(b[0]-'0')*10+int(b[1]-'0') <= max
}

// quickEmail: local@domain where local is dot-separated runs of letters,
// digits and ._%+- (at most 64 bytes), and domain is hostname labels of
// letters, digits and inner hyphens: the plain addresses nearly everyone
// has. Quoted locals, comments and address literals go to the library.
func quickEmail(b []byte) bool {
	at := -1
	for i, c := range b {
		if c == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at < 1 || at > 64 || len(b) > 254 {
		return false
	}
	return quickLabels(b[:at], &localChars, 64) && quickLabels(b[at+1:], &hostChars, 63)
}

// quickLabels: s is non-empty labels joined by single dots, each at most
// max bytes of ok characters, none starting or ending with '-'. The
// characters are a set of bits, not a function, so that each byte costs a
// bit test rather than a call.
func quickLabels(s []byte, ok *asciiSet, max int) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if c := s[i]; c >= utf8.RuneSelf || !ok.has(c) {
				return false
			}
			continue
		}
		label := s[start:i]
		if len(label) == 0 || len(label) > max || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// hexChars are the hex digits; hostChars the letters, digits and hyphen
// of a hostname label, and localChars those and the other characters
// quickEmail takes in a local part. They are tables, written once here and only read.
var (
	hexChars   = newPart([]rune{'0', '9', 'A', 'F', 'a', 'f'}, 1, 1).ascii
	hostChars  = newPart([]rune{'-', '-', '0', '9', 'A', 'Z', 'a', 'z'}, 1, 1).ascii
	localChars = newPart([]rune{'%', '%', '+', '+', '-', '-', '0', '9', 'A', 'Z', '_', '_', 'a', 'z'}, 1, 1).ascii
)
