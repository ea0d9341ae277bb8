package codegen

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (order_id → OrderID).
var initialisms = map[string]bool{
	"api": true, "db": true, "dns": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "sku": true, "sql": true, "tcp": true, "tls": true, "ttl": true,
	"ui": true, "uid": true, "uri": true, "url": true, "utc": true, "uuid": true, "xml": true,
}

// exported turns a schema name (a type, a property, a $defs key) into an
// exported Go identifier: words split at anything that is not a letter or
// digit and at lower-to-upper changes, each capitalized.
func exported(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		lw := strings.ToLower(w)
		if initialisms[lw] {
			b.WriteString(strings.ToUpper(lw))
			continue
		}
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	name := b.String()
	if name == "" || !unicode.IsLetter([]rune(name)[0]) || !isASCII(name) {
		name = "X" + asciiOnly(name)
	}
	return name
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiOnly keeps a name's ASCII letters and digits, so that generated
// identifiers read the same in every editor.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// singular names the element of a list property: items → Item; anything
// not ending in s gets "Item".
func singular(name string) string {
	if len(name) > 1 && strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss") {
		return strings.TrimSuffix(name, "s")
	}
	return name + "Item"
}

// namer hands out names that are unique within one scope.
type namer map[string]bool

func (n namer) unique(base string) string {
	name := base
	for i := 2; n[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	n[name] = true
	return name
}
