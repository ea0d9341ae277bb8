package validate

import (
	"encoding/binary"

	"github.com/schemagate/schemagate/internal/jsonparse"
)

// keyLiteral is a declared key as a sender writes it without escapes,
// quotes included (jsonparse.QuotedKey), for the checker to try where it
// expects that key next. Such a key needs no escape, so its bytes are the
// whole string by the rules and comparing them is all its reading takes.
type keyLiteral struct {
	quoted string // "" for a key a sender must escape: it never matches
	// words are quoted's first 16 bytes read little-endian, masks the
	// bytes of quoted among them: most keys are that short, and two word
	// comparisons settle them without a call.
	words, masks [2]uint64
}

func newKeyLiteral(name string) keyLiteral {
	l := keyLiteral{quoted: jsonparse.QuotedKey(name)}
	if len(l.quoted) > 16 {
		return l
	}
	for i := 0; i < len(l.quoted); i++ {
		l.words[i/8] |= uint64(l.quoted[i]) << (8 * (i % 8))
		l.masks[i/8] |= 0xff << (8 * (i % 8))
	}
	return l
}

// matchWords reads l's key at d[i] and returns the offset just past it;
// -1 when the key there is another, or is written otherwise (escaped),
// and then nothing is read. It needs 16 bytes left in d and a key of at
// most 16 bytes (masks[0] set); matchShort does the rest.
func (l *keyLiteral) matchWords(d []byte, i int) int {
	if !l.is(wordsAt(d, i)) {
		return -1
	}
	return i + len(l.quoted)
}

// wordsAt reads the 16 bytes at d[i], which must be there, as words for
// keyLiteral.is.
func wordsAt(d []byte, i int) (a, b uint64) {
	w := d[i : i+16]
	return binary.LittleEndian.Uint64(w), binary.LittleEndian.Uint64(w[8:])
}

// is reports whether l's key (of at most 16 bytes: masks[0] set) starts
// the 16 bytes that wordsAt read as a and b.
func (l *keyLiteral) is(a, b uint64) bool {
	return (a^l.words[0])&l.masks[0]|(b^l.words[1])&l.masks[1] == 0
}

// matchShort is matchWords near the end of d, or for a key of more than
// 16 bytes, compared byte by byte.
func (l *keyLiteral) matchShort(d []byte, i int) int {
	q := l.quoted
	if q == "" || len(d)-i <= len(q) || string(d[i:i+len(q)]) != q {
		return -1
	}
	return i + len(q)
}

// colonAt reads the ':' after a key that ends at d[i], and the whitespace
// after it, and returns the offset of the value; -1 without a ':'.
func colonAt(d []byte, i int) int {
	if i < len(d) && d[i] == ':' {
		return space(d, i+1) // the usual frame: no space before ':'
	}
	if i = jsonparse.SpaceAt(d, i); i < len(d) && d[i] == ':' {
		return space(d, i+1)
	}
	return -1
}

// space returns the offset of the first byte at or after i that is not
// whitespace. A token at once, and one space then a token (after ':' and
// ',' in many frames), are tested before the loop is called: they are
// nearly every case.
func space(d []byte, i int) int {
	if i < len(d) && d[i] > ' ' {
		return i
	}
	if i+1 < len(d) && d[i] == ' ' && d[i+1] > ' ' {
		return i + 1
	}
	return jsonparse.SpaceAt(d, i)
}
