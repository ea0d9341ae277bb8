package jsonparse

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzMaxDepth matches encoding/json's own nesting limit, so that the
// oracle and Parse refuse exactly the same deep inputs.
const fuzzMaxDepth = 10000

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"id":"c-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`,
		`{"id":"c-2","type":"order","version":2,"data":{"items":[{"sku":"A-1","qty":2,"price":9.99}],"total":19.98}}`,
		`{"name":"John","age":30,"city":"New York"}`,
		`{"a":1,"a":2}`,
		`{"a":{"b":1,"b":2}}`,
		`[{"x":1},{"x":1,"x":1}]`,
		`{"a":1,"\u0061":2}`,
		`[1,2.5,-0,1e400,123456789012345678901234567890,-1.5E-7,0.0]`,
		`[1e1000,1E-1000,1e+0001000,1e1001,1e-1001,1e99999999999999999999,1e0000000000000000001]`,
		`"\ud83d\ude00 \ud83d \ude00 \u00e9 \n\t\\\"\/"`,
		`"\ud800\ud800\udc00"`,
		`"é世😀"`,
		" \t\n\r[ true , false , null ] \n",
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"":{"":{"":[]}}}`,
		`01`, `1.`, `.5`, `-`, `+1`, `1e`, `1e+`, `-01`, `0x1`, `NaN`, `Infinity`,
		`[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`, `{"a":1}{}`, `tru`, `nul`, `falsey`,
		"\"a\x00b\"", "\"\xff\"", "[\xff]", "\xef\xbb\xbf1", `"\x"`, `"\u12"`, `"abc`, ``, ` `,
	}
	for _, s := range append(seeds, swarSeeds()...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAgainstEncodingJSON(t, b)
	})
}

// checkAgainstEncodingJSON is the differential check: Parse must agree with
// encoding/json wherever encoding/json's rules and ours coincide, and Valid
// and ParseObject must agree with Parse everywhere.
func checkAgainstEncodingJSON(t *testing.T, b []byte) {
	in := bytes.Clone(b)
	got, err := Parse(b, fuzzMaxDepth)
	if !bytes.Equal(in, b) {
		t.Fatalf("Parse modified its input")
	}
	if verr := Valid(b, fuzzMaxDepth); errString(verr) != errString(err) {
		t.Fatalf("Valid(%q) = %v, Parse error %v", b, verr, err)
	}
	checkParseObject(t, b, got, err)
	r := NewReader(b, fuzzMaxDepth)
	if read := readAll(&r) && r.End(); read != (err == nil) {
		t.Fatalf("a Reader read %q whole: %v; Parse error %v", b, read, err)
	}
	if !utf8.Valid(b) {
		if err == nil {
			t.Fatalf("Parse(%q) accepted invalid UTF-8", b)
		}
		return
	}
	want, stdErr := stdParse(b)
	switch {
	case stdErr != nil:
		if err == nil {
			t.Fatalf("Parse(%q) = %#v; encoding/json rejects it: %v", b, got, stdErr)
		}
	case hasOutOfRangeNumber(b):
		if err == nil {
			t.Fatalf("Parse(%q) accepted a number beyond MaxNumberLength or MaxExponent", b)
		}
	case hasDuplicateKey(b):
		var de *DuplicateKeyError
		if !errors.As(err, &de) {
			t.Fatalf("Parse(%q) = %#v, %v; want *DuplicateKeyError", b, got, err)
		}
	case err != nil:
		t.Fatalf("Parse(%q) error %v; encoding/json accepts it as %#v", b, err, want)
	case !reflect.DeepEqual(got, want):
		t.Fatalf("Parse(%q) = %#v; encoding/json gives %#v", b, got, want)
	}
}

// checkParseObject verifies ParseObject against Parse's result for b.
func checkParseObject(t *testing.T, b []byte, v any, err error) {
	ms, oerr := ParseObject(b, fuzzMaxDepth)
	m, isObj := v.(map[string]any)
	switch {
	case err != nil:
		if errString(oerr) != errString(err) {
			t.Fatalf("ParseObject(%q) error %v, Parse error %v", b, oerr, err)
		}
		return
	case !isObj:
		if !errors.Is(oerr, ErrNotObject) {
			t.Fatalf("ParseObject(%q) = %v, want ErrNotObject", b, oerr)
		}
		return
	case oerr != nil || len(ms) != len(m):
		t.Fatalf("ParseObject(%q) = %d members, %v; Parse found %d", b, len(ms), oerr, len(m))
	}
	for _, mem := range ms {
		// Objects and arrays are left as Raw; scalars are built.
		want := m[mem.Key]
		switch want.(type) {
		case map[string]any, []any:
			if mem.Value != nil {
				t.Fatalf("ParseObject(%q) member %q = %#v, want nil for a container", b, mem.Key, mem.Value)
			}
		default:
			if !reflect.DeepEqual(mem.Value, want) {
				t.Fatalf("ParseObject(%q) member %q = %#v, Parse has %#v", b, mem.Key, mem.Value, want)
			}
		}
		// The nesting left to Raw is one level less than in b.
		if raw, err := Parse(mem.Raw, fuzzMaxDepth); err != nil || !reflect.DeepEqual(raw, want) {
			t.Fatalf("ParseObject(%q) member %q Raw %q parses to %#v, %v", b, mem.Key, mem.Raw, raw, err)
		}
	}
}

// stdParse is the oracle: encoding/json with UseNumber, refusing anything
// after the first value as Parse does.
func stdParse(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

// hasDuplicateKey reports whether any object in b, which encoding/json
// accepted, repeats a key. It walks the token stream independently of
// Parse so that the two cannot share a bug.
func hasDuplicateKey(b []byte) bool {
	type frame struct {
		keys     map[string]bool // nil for arrays
		wantsKey bool
	}
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantsKey = true
		}
	}
	for tok := range stdTokens(b) {
		n := len(stack)
		switch {
		case tok == json.Delim('{'):
			stack = append(stack, frame{keys: map[string]bool{}, wantsKey: true})
		case tok == json.Delim('['):
			stack = append(stack, frame{})
		case tok == json.Delim('}') || tok == json.Delim(']'):
			stack = stack[:n-1]
			valueDone()
		case n > 0 && stack[n-1].keys != nil && stack[n-1].wantsKey:
			key := tok.(string)
			if stack[n-1].keys[key] {
				return true
			}
			stack[n-1].keys[key] = true
			stack[n-1].wantsKey = false
		default:
			valueDone()
		}
	}
	return false
}

// stdTokens yields b's tokens as encoding/json reads them (numbers as
// json.Number), until the end or the first error.
func stdTokens(b []byte) iter.Seq[json.Token] {
	return func(yield func(json.Token) bool) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		for {
			tok, err := dec.Token()
			if err != nil || !yield(tok) {
				return
			}
		}
	}
}

// hasOutOfRangeNumber reports whether b, which encoding/json accepted,
// holds a number Parse must refuse: longer than MaxNumberLength or with an
// exponent beyond MaxExponent. It reads the numbers with encoding/json and
// strconv, apart from Parse's own scanner.
func hasOutOfRangeNumber(b []byte) bool {
	for tok := range stdTokens(b) {
		n, ok := tok.(json.Number)
		if !ok {
			continue
		}
		if len(n) > MaxNumberLength {
			return true
		}
		if i := strings.IndexAny(string(n), "eE"); i >= 0 {
			e, err := strconv.Atoi(string(n[i+1:]))
			if err != nil || e > MaxExponent || e < -MaxExponent {
				return true
			}
		}
	}
	return false
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestOracle guards the fuzz oracle itself, which would otherwise make a
// broken differential test pass silently.
func TestOracle(t *testing.T) {
	dups := map[string]bool{
		`{"a":1,"a":2}`:             true,
		`{"a":{"a":1},"b":{"a":2}}`: false,
		`[{"a":1},{"a":1}]`:         false,
		`{"a":[{"b":1,"b":1}]}`:     true,
		`{"a":"a","b":"a"}`:         false,
		`{"a":{},"a":[]}`:           true,
		`{"x":[1,"x"],"y":{"x":0}}`: false,
	}
	for in, want := range dups {
		if got := hasDuplicateKey([]byte(in)); got != want {
			t.Errorf("hasDuplicateKey(%s) = %v, want %v", in, got, want)
		}
	}
	for _, in := range []string{`1 2`, `{} x`, `[1]]`, ``} {
		if _, err := stdParse([]byte(in)); err == nil {
			t.Errorf("stdParse(%q) accepted", in)
		}
	}
	if _, err := stdParse([]byte(" {} \n")); err != nil {
		t.Errorf("stdParse rejected trailing whitespace: %v", err)
	}
}

// readAll walks one value with a Reader the way the validator does,
// finding repeated keys itself, skipping every other member and reading
// each array element twice from a mark, and reports whether it read one
// well-formed value.
func readAll(r *Reader) bool {
	switch r.Peek() {
	case Object:
		return readObject(r)
	case Array:
		empty, ok := r.Open()
		for more := !empty; ok && more; {
			m := r.Mark()
			if !r.Skip() {
				return false
			}
			r.Reset(m)
			if !readAll(r) {
				return false
			}
			more, ok = r.NextElement()
		}
		return ok
	case String:
		return sameByStringAt(r)
	case Number:
		return sameByDecimal(r)
	case Bool:
		_, ok := r.Bool()
		return ok
	case Null:
		return r.Null()
	}
	return false
}

func readObject(r *Reader) bool {
	empty, ok := r.Open()
	seen := map[string]bool{}
	for more := !empty; ok && more; {
		m := r.Mark()
		k, escaped, keyOK := r.Key()
		if !keyOK || !sameByKeyIs(r, m, k, escaped) {
			return false
		}
		if escaped {
			k = AppendUnescaped(nil, k)
		}
		if seen[string(k)] {
			return false
		}
		seen[string(k)] = true
		if len(seen)%2 == 0 && !r.Skip() || len(seen)%2 == 1 && !readAll(r) {
			return false
		}
		more, ok = r.NextMember()
	}
	return ok
}

// sameByDecimal reads a number with Number and again with DecimalAt,
// which must accept it alike and end at the same place, and reports
// whether both read it and DecimalAt's value is the literal's
// (plainValue).
func sameByDecimal(r *Reader) bool {
	m := r.Mark()
	lit, ok := r.Number()
	v, end, plain := DecimalAt(r.Input(), m.Pos())
	if (end >= 0) != ok || ok && end != r.Mark().Pos() {
		return false
	}
	want, wantPlain := plainValue(string(lit))
	return ok && plain == wantPlain && v == want
}

// sameByStringAt reads a string with String and again with StringAt,
// which must accept it alike, end at the same place and say alike
// whether it is escaped, and reports whether both read it.
func sameByStringAt(r *Reader) bool {
	start := r.Mark().Pos()
	_, escaped, ok := r.String()
	end, atEscaped := StringAt(r.Input(), start)
	return ok && end == r.Mark().Pos() && atEscaped == escaped
}

// plainValue is the value Decimal should find in lit, a valid number,
// worked out another way: plain when lit has no exponent and at most 18
// integer digits.
func plainValue(lit string) (v Decimal, plain bool) {
	if strings.ContainsAny(lit, "eE") {
		return Decimal{}, false
	}
	v.Neg = strings.HasPrefix(lit, "-")
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(lit, "-"), ".")
	if len(intPart) > 18 {
		return Decimal{}, false
	}
	v.Int, _ = strconv.ParseInt(intPart, 10, 64)
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		v.Frac, v.Digits = true, len(frac)
	}
	return v, true
}

// sameByKeyIs holds KeyIs to Key, which has just read key from m: the
// key's own literal reads it to the same place when it needs none of the
// escapes and characters QuotedKey keeps out, and any other literal reads
// nothing. It reports false, as a reader that failed, when it does not.
func sameByKeyIs(r *Reader, m Mark, key []byte, escaped bool) bool {
	end := r.Mark()
	quoted := QuotedKey(string(key))
	r.Reset(m)
	if r.KeyIs(quoted+"x") || r.KeyIs(`"`+string(key)+`x"`) || r.Mark() != m {
		return false
	}
	if r.KeyIs(quoted) != (!escaped && quoted != "") {
		return false
	}
	if r.Mark() != m && r.Mark() != end {
		return false
	}
	r.Reset(end)
	return true
}

// FuzzDelimit holds Delimit to what its callers rely on: bytes it
// delimits that are one valid value are exactly the value a strict reading
// from the same place reads, so a strict parse of the whole would have
// read them alike; and on a strict reader's values followed by a
// delimiter, it ends where Skip ends.
func FuzzDelimit(f *testing.F) {
	for _, s := range []string{`{"a":[1,"]}",{"b":"\"}"}]},1`, `"a\\"b",`, `123 ,`, `-1.5e3}`, `true]`,
		`[[[]]] `, `{"a":"\u005c"}`, `"abc`, `[1,2`, `nul`, `1`, `1"`, `{"a":1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strict, loose := NewReader([]byte(s), 64), NewReader([]byte(s), 64)
		start := loose.Mark().Pos()
		okL := loose.Delimit()
		okS := strict.Skip()
		end := strict.Mark().Pos()
		if okL && Valid([]byte(s[start:loose.Mark().Pos()]), 64) == nil && (!okS || end != loose.Mark().Pos()) {
			t.Fatalf("Delimit read %q, which is valid, but Skip ended at %d (%v)", s[start:loose.Mark().Pos()], end, okS)
		}
		if okS && (end == len(s) || isDelimiter(s[end])) && (!okL || loose.Mark().Pos() != end) {
			t.Fatalf("Delimit ended at %d (%v), Skip at %d", loose.Mark().Pos(), okL, end)
		}
	})
}

// FuzzAt holds the primitives for callers that walk the bytes themselves
// (StringAt, DecimalAt, SpaceAt, Reader.Seek) to Parse's rules at every
// offset of any input: not only where a well-formed text puts a value,
// since a caller walking malformed bytes may ask anywhere.
func FuzzAt(f *testing.F) {
	for _, s := range append([]string{`{"a": [1, -0.50, "x\u00e9y"], "b" :{}}`, `"abc`, `1e1001 -01 1.`,
		" \t\r\n\v\f", `[[[[1]]]]`, `"\ud800" "é" "\q"`}, swarSeeds()...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for i := range b {
			checkStringAt(t, b, i)
			checkDecimalAt(t, b, i)
			if got, want := SpaceAt(b, i), len(b)-len(bytes.TrimLeft(b[i:], " \t\r\n")); got != want {
				t.Fatalf("SpaceAt(%q, %d) = %d, want %d", b, i, got, want)
			}
			checkSeek(t, b, i)
		}
	})
}

// checkStringAt holds StringAt(b, i) to Parse: a string's end is where
// its quotes and backslashes alone put it (stringEnd), and the bytes up
// to there are a valid string, decoding as Parse decodes them, exactly
// when StringAt accepts them.
func checkStringAt(t *testing.T, b []byte, i int) {
	end, escaped := StringAt(b, i)
	want := -1
	if b[i] == '"' {
		if e := stringEnd(b, i); e >= 0 && Valid(b[i:e], 1) == nil {
			want = e
		}
	}
	if end != want {
		t.Fatalf("StringAt(%q, %d) = %d, want %d", b, i, end, want)
	}
	if end < 0 {
		return
	}
	v, _ := Parse(b[i:end], 1)
	contents := b[i+1 : end-1]
	if escaped != bytes.ContainsRune(contents, '\\') || string(AppendUnescaped(nil, contents)) != v {
		t.Fatalf("StringAt(%q, %d): escaped %v, contents %q; Parse reads %q", b, i, escaped, contents, v)
	}
}

// checkDecimalAt holds DecimalAt(b, i) to a Reader's Number at i, read
// from a reader made over b[i:], and its value to plainValue's.
func checkDecimalAt(t *testing.T, b []byte, i int) {
	v, end, plain := DecimalAt(b, i)
	r := NewReader(b[i:], 1)
	want := -1
	if k := r.Peek(); k == Number && r.Mark().Pos() == 0 {
		if lit, ok := r.Number(); ok {
			want = i + len(lit)
			if wv, wp := plainValue(string(lit)); wv != v || wp != plain {
				t.Fatalf("DecimalAt(%q, %d) = %+v, plain %v; want %+v, %v", b, i, v, plain, wv, wp)
			}
		}
	}
	if end != want {
		t.Fatalf("DecimalAt(%q, %d) ends at %d, want %d", b, i, end, want)
	}
}

// checkSeek holds Seek to its contract: a reader over b moved to i with
// depth containers open skips what a reader over b[i:] with that much
// less depth to spare skips, to the same place.
func checkSeek(t *testing.T, b []byte, i int) {
	const maxDepth = 4
	for depth := range maxDepth {
		r := NewReader(b, maxDepth)
		r.Seek(i, depth)
		ok := r.Skip()
		alone := NewReader(b[i:], maxDepth-depth)
		if alone.Mark().Pos() != 0 {
			return // Seek is only for the start of a value, which is not whitespace
		}
		aok := alone.Skip()
		if ok != aok || ok && r.Mark().Pos() != i+alone.Mark().Pos() || r.Input() == nil || r.MaxDepth() != maxDepth {
			t.Fatalf("Seek(%d, %d) in %q: Skip %v to %d; over b[%d:] %v to %d", i, depth, b, ok, r.Mark().Pos(), i, aok, i+alone.Mark().Pos())
		}
		if ok && r.Mark().Depth() != depth {
			t.Fatalf("Seek(%d, %d) in %q: depth %d after a whole value", i, depth, b, r.Mark().Depth())
		}
	}
}
