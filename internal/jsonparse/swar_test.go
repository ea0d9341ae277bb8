package jsonparse

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// isSpecial is what plainRun stops at, byte by byte.
func isSpecial(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf }

// firstSpecial is plainRun written the slow way.
func firstSpecial(d []byte, i int) int {
	for ; i < len(d); i++ {
		if isSpecial(d[i]) {
			return i
		}
	}
	return i
}

// TestSpecialBytes: every byte value, in every lane of a word, above
// plain bytes of every kind and below anything at all, is found exactly
// when plainRun must stop at it.
func TestSpecialBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	plain := []byte{' ', '!', '#', '[', ']', 'a', '~', 0x7f}
	for lane := range 8 {
		for v := range 256 {
			for _, below := range plain {
				var b [8]byte
				for j := range b {
					b[j] = byte(rng.Uint32())
				}
				for j := range lane {
					b[j] = below
				}
				b[lane] = byte(v)
				got := specialBytes(binary.LittleEndian.Uint64(b[:]))
				first := bits.TrailingZeros64(got) / 8
				if isSpecial(byte(v)) != (first == lane) || first < lane {
					t.Fatalf("% x: first marked byte %d, want it at %d: %v", b, first, lane, isSpecial(byte(v)))
				}
			}
		}
	}
	for range 1 << 16 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], rng.Uint64())
		if got, want := min(bits.TrailingZeros64(specialBytes(binary.LittleEndian.Uint64(b[:])))/8, 8),
			firstSpecial(b[:], 0); got != want {
			t.Fatalf("% x: first marked byte %d, want %d", b, got, want)
		}
	}
}

// TestPlainRunOffsets: from every start, a special byte at every offset
// of the first two words and their tail is found where the byte loop
// finds it.
func TestPlainRunOffsets(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\x00", "\x1f", "\x7f", "é", "\xff"} {
		for start := range 9 {
			for at := range 20 {
				for tail := range 10 {
					d := []byte(strings.Repeat("x", start+at) + special + strings.Repeat("y", tail))
					if got, want := plainRun(d, start), firstSpecial(d, start); got != want {
						t.Fatalf("plainRun(%q, %d) = %d, want %d", d, start, got, want)
					}
				}
			}
		}
	}
}

// swarSeeds are strings that put what the eight-byte scan must notice at
// every offset of the first two words, and straddling a word's edge: a
// quote, escapes, control characters, characters of two, three and four
// bytes, and invalid or cut-short UTF-8.
func swarSeeds() []string {
	specials := []string{`\"`, `\\`, `\u00e9`, `\ud83d\ude00`, "\x00", "\x1f", "\t", "\x7f", "é", "€", "😀",
		"\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf"}
	var out []string
	for _, s := range specials {
		for at := range 16 {
			out = append(out, `"`+strings.Repeat("a", at)+s+`b"`)
		}
	}
	// A string whose closing quote is at every offset, after a key.
	for at := range 16 {
		out = append(out, `{"k":"`+strings.Repeat("é", at/2)+strings.Repeat("a", at%2)+`"}`)
	}
	return out
}
