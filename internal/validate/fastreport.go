package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// Most rejected values are a string, number, boolean or null that breaks
// a keyword the fast path compares exactly (a type, a bound, a length, a
// pattern, a format, an enum). Parsing such a part and running the
// authority on it cost a rejection most of its CPU and allocations, only
// to write a sentence the fast path can write: the locator words those
// violations itself, in the authority's words (fastwords.go) and at its
// locations, and hands the authority whatever it cannot decide exactly.
// FuzzFastReport holds the two to the same report, byte for byte.

// maxWordedDepth bounds the chain of $ref and allOf the locator follows
// on one value; a deeper one (or a loop) goes to the authority.
const maxWordedDepth = 32

// scalar is a string, number, boolean or null as the locator judges it.
type scalar struct {
	kind  jsonparse.Kind
	text  []byte // a string's contents, unescaped, or a number's literal
	b     bool
	dec   decimal // a number's value, when decOK
	decOK bool
}

// worded adds the violations of the value at the reader by n, when the
// fast path can word every one of them exactly, and reports whether it
// did; when it did not, nothing was added and the reader may be anywhere.
func (l *locator) worded(n *fastNode) bool {
	if n.wording() == nil {
		return false
	}
	switch l.r.Peek() {
	case jsonparse.Object, jsonparse.Array, jsonparse.Invalid:
		return l.wordedContainer(n)
	}
	var v scalar
	if !l.readScalar(&v) {
		return false
	}
	mark := len(l.details)
	if !l.judgeScalar(n, &v, 0) {
		l.details = l.details[:mark]
		return false
	}
	return true
}

// wordedContainer words an object or array that n refuses whole: by
// being the false schema, or by its type. Their other keywords are the
// members' business (members) or the authority's.
func (l *locator) wordedContainer(n *fastNode) bool {
	var got string
	switch {
	case n.always != nil && !*n.always:
	case n.types == 0:
		return false
	default:
		var ok bool
		if got, ok = typeMismatch(l.r.Peek(), n.types, nil); !ok || got == "" {
			return false
		}
	}
	if !l.r.Skip() {
		return false
	}
	if got == "" {
		l.add("", "not allowed", nil, "")
	} else {
		l.add("/type", n.wording().typeHead, nil, got)
	}
	return true
}

func (l *locator) readScalar(v *scalar) bool {
	var ok bool
	switch v.kind = l.r.Peek(); v.kind {
	case jsonparse.String:
		var escaped bool
		v.text, escaped, ok = l.r.String()
		if ok && escaped {
			l.scratch = jsonparse.AppendUnescaped(l.scratch[:0], v.text)
			v.text = l.scratch
		}
	case jsonparse.Number:
		v.text, ok = l.r.Number()
		v.dec, v.decOK = parseDecimal(v.text)
	case jsonparse.Bool:
		v.b, ok = l.r.Bool()
	case jsonparse.Null:
		ok = l.r.Null()
	}
	return ok
}

// judgeScalar adds v's violations of n and of the schemas n applies, in
// the authority's order of checks: a wrong type ends the judging of n.
// False when one of them cannot be decided exactly.
func (l *locator) judgeScalar(n *fastNode, v *scalar, depth int) bool {
	w := n.wording()
	if depth > maxWordedDepth || w == nil {
		return false
	}
	if n.always != nil {
		if !*n.always {
			l.add("", "not allowed", nil, "")
		}
		return true
	}
	if n.types != 0 {
		got, ok := typeMismatch(v.kind, n.types, v)
		if !ok {
			return false
		}
		if got != "" {
			l.add("/type", w.typeHead, nil, got)
			return true
		}
	}
	if n.hasEnum && !v.inEnum(n) {
		l.add("/enum", w.enum, nil, "")
	}
	if n.format != nil && w.asserted {
		if n.formatAll {
			return false
		}
		if v.kind == jsonparse.String && (n.quick == nil || !n.quick(v.text)) && !n.format(string(v.text)) {
			l.wordFormat(w, v.text)
		}
	}
	switch v.kind {
	case jsonparse.String:
		l.judgeString(n, v)
	case jsonparse.Number:
		if !l.judgeNumber(n, v) {
			return false
		}
	}
	for _, a := range n.applied {
		k := len(l.keyword)
		l.keyword = append(append(l.keyword, '/'), a.name...)
		ok := l.judgeScalar(a.node, v, depth+1)
		l.keyword = l.keyword[:k]
		if !ok {
			return false
		}
	}
	return true
}

// typeMismatch names the JSON type of a value of kind k when types does
// not allow it ("" when it does); ok is false when that is not certain: a
// number against "integer" whose text parseDecimal cannot read (v nil: a
// container, never a number).
func typeMismatch(k jsonparse.Kind, types uint8, v *scalar) (got string, ok bool) {
	var bit uint8
	switch k {
	case jsonparse.Null:
		bit, got = tNull, "null"
	case jsonparse.Bool:
		bit, got = tBoolean, "boolean"
	case jsonparse.String:
		bit, got = tString, "string"
	case jsonparse.Array:
		bit, got = tArray, "array"
	case jsonparse.Object:
		bit, got = tObject, "object"
	case jsonparse.Number:
		switch {
		case types&tNumber != 0:
			return "", true
		case types&tInteger != 0 && !v.decOK:
			return "", false
		case types&tInteger != 0 && !v.dec.Frac:
			return "", true
		}
		return "number", true
	default:
		return "", false
	}
	if types&bit != 0 {
		return "", true
	}
	return got, true
}

func (v *scalar) inEnum(n *fastNode) bool {
	switch v.kind {
	case jsonparse.String:
		return n.inEnumString(v.text)
	case jsonparse.Bool:
		return n.inEnum(v.b)
	case jsonparse.Null:
		return n.inEnum(nil)
	}
	return false // the fast path's enums hold no numbers
}

func (l *locator) judgeString(n *fastNode, v *scalar) {
	if n.minLen >= 0 || n.maxLen >= 0 {
		c := utf8.RuneCount(v.text)
		if n.minLen >= 0 && c < n.minLen {
			l.add("/minLength", "length must be >= "+strconv.Itoa(n.minLen)+", but got "+strconv.Itoa(c), nil, "")
		}
		if n.maxLen >= 0 && c > n.maxLen {
			l.add("/maxLength", "length must be <= "+strconv.Itoa(n.maxLen)+", but got "+strconv.Itoa(c), nil, "")
		}
	}
	// The authority's own regexp, so both agree on every string.
	if n.pattern != nil && !n.pattern.Match(v.text) {
		l.add("/pattern", n.wording().pattern, nil, "")
	}
}

// judgeNumber checks the numeric keywords; false when a bound or the
// number is not one the fast path compares exactly.
func (l *locator) judgeNumber(n *fastNode, v *scalar) bool {
	if !n.min.set && !n.max.set && !n.exMin.set && !n.exMax.set && !n.multipleOf.set {
		return true
	}
	if !v.decOK || (n.min.set && !n.min.exact) || (n.max.set && !n.max.exact) ||
		(n.exMin.set && !n.exMin.exact) || (n.exMax.set && !n.exMax.exact) ||
		(n.multipleOf.set && !n.multipleOf.exact) {
		return false
	}
	d, w := v.dec, n.wording()
	if n.min.set && !d.atLeast(n.min.v) {
		l.add("/minimum", w.min, v.text, "")
	}
	if n.exMin.set && d.atMost(n.exMin.v) {
		l.add("/exclusiveMinimum", w.exMin, v.text, "")
	}
	if n.max.set && !d.atMost(n.max.v) {
		l.add("/maximum", w.max, v.text, "")
	}
	if n.exMax.set && d.atLeast(n.exMax.v) {
		l.add("/exclusiveMaximum", w.exMax, v.text, "")
	}
	if n.multipleOf.set && !n.multipleOf.of(d) {
		l.add("/multipleOf", "", v.text, w.multipleOf)
	}
	return true
}

// wordFormat words a string that fails its format: the authority quotes
// the value in Go's way, which for printable ASCII without quotes or
// backslashes (most values) is the value between single quotes.
func (l *locator) wordFormat(w *words, s []byte) {
	for _, c := range s {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '\'' {
			q := quote(string(s))
			l.add("/format", q[:len(q)-1], nil, w.format)
			return
		}
	}
	l.add("/format", "'", s, w.format)
}

// add records a violation of the value being read: keyword is the path
// below the schema's own location, the message is head, value and tail.
// The three strings of a detail share one allocation.
func (l *locator) add(keyword, head string, value []byte, tail string) {
	var b strings.Builder
	b.Grow(len(l.instance) + len(l.keyword) + len(keyword) + len(head) + len(value) + len(tail))
	b.Write(l.instance)
	b.Write(l.keyword)
	b.WriteString(keyword)
	b.WriteString(head)
	b.Write(value)
	b.WriteString(tail)
	all := b.String()
	i, k := len(l.instance), len(l.instance)+len(l.keyword)+len(keyword)
	l.details = append(l.details, status.Detail{
		InstanceLocation: all[:i],
		KeywordLocation:  all[i:k],
		Message:          stableMessage(all[k:]),
	})
}

// wordObject words the violations of an object's own keywords, its
// members read: k says which keys it has, denied names those that
// additionalProperties false denies.
func (l *locator) wordObject(n *fastNode, k *keyTracker, denied []string) {
	if n.minProps >= 0 && k.count < n.minProps {
		l.add("/minProperties", "minimum "+strconv.Itoa(n.minProps)+" properties allowed, but found "+strconv.Itoa(k.count)+" properties", nil, "")
	}
	if n.maxProps >= 0 && k.count > n.maxProps {
		l.add("/maxProperties", "maximum "+strconv.Itoa(n.maxProps)+" properties allowed, but found "+strconv.Itoa(k.count)+" properties", nil, "")
	}
	if k.seen&n.requiredMask != n.requiredMask {
		var missing []string
		for _, r := range n.schema.Required {
			if k.seen&(1<<n.keyIndex([]byte(r))) == 0 {
				missing = append(missing, quote(r))
			}
		}
		l.add("/required", "missing properties: "+strings.Join(missing, ", "), nil, "")
	}
	if len(denied) > 0 {
		l.add("/additionalProperties", "additionalProperties "+strings.Join(denied, ", ")+" not allowed", nil, "")
	}
}

// wordArray words the violations of an array's own keywords, its count
// elements read, of which element dup equals element equal (dup -1: none).
func (l *locator) wordArray(n *fastNode, count, equal, dup int) {
	if n.minItems >= 0 && count < n.minItems {
		l.add("/minItems", "minimum "+strconv.Itoa(n.minItems)+" items required, but found "+strconv.Itoa(count)+" items", nil, "")
	}
	if n.maxItems >= 0 && count > n.maxItems {
		l.add("/maxItems", "maximum "+strconv.Itoa(n.maxItems)+" items required, but found "+strconv.Itoa(count)+" items", nil, "")
	}
	if dup >= 0 {
		l.add("/uniqueItems", "items at index "+strconv.Itoa(equal)+" and "+strconv.Itoa(dup)+" are equal", nil, "")
	}
}
