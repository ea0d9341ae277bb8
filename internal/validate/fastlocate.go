package validate

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// part is a piece of an instance the fast path could not vouch for: the
// value, the schema that judges it, and where both sit in the whole, as
// jsonschema/v5 writes keyword and instance locations.
type part struct {
	schema            *jsonschema.Schema
	data              []byte
	keyword, instance string
}

// locator narrows a rejected instance down to the parts that need the
// authority. Where the fast path can vouch for an object or array itself
// (type, required, additional keys, counts), the authority's report on it
// is exactly the union of its reports on the members the fast path is
// unsure of, so only those are parsed and judged. This spares an invalid
// frame the cost of parsing and validating all the rest; the reports stay
// the authority's, which TestFastPathJSONSchemaTestSuite,
// TestLocatedReportsEqualWhole and FuzzFastReport check byte for byte. A
// value the fast path can judge exactly is not even handed over: the
// locator words its violations itself (fastreport.go).
type locator struct {
	fastScan
	data    []byte
	parts   []part
	details []status.Detail // the violations the fast path worded itself (fastreport.go)
	broken  bool            // the input is not JSON: the parser must say why
	// keyword and instance are where the value being read sits, written
	// out only for the parts: most members are valid, and building their
	// locations as strings cost a rejection most of its allocations.
	keyword, instance []byte
}

// locate returns the parts of data that may violate n and the violations
// it worded itself, or ok false when data must go to the authority whole.
// Unless the caller knows the fast path has refused data already
// (refused), its first step is the fast path's own scan of the whole, so
// that a valid instance costs one scan and no parts.
func (n *fastNode) locate(data []byte, maxDepth int, refused bool) (parts []part, details []status.Detail, ok bool) {
	l := locator{fastScan: fastScan{r: jsonparse.NewReader(data, maxDepth)}, data: data}
	start := l.r.Mark()
	if refused || !n.scan(&l.fastScan) {
		l.refuted(n, start)
	}
	if l.broken || !l.r.End() {
		return nil, nil, false
	}
	return l.parts, l.details, true
}

// value reads one member's value against n: scanned first, since most
// members of a refused value are valid and a scan reads them fastest
// (walking every container directly cost an order's rejection a quarter
// more); when the scan fails, the parts that may violate n are added, and
// the violations it words.
func (l *locator) value(n *fastNode) {
	start := l.r.Mark()
	if !n.scan(&l.fastScan) {
		l.refuted(n, start)
	}
}

// refuted adds the parts of the value at start that may violate n, whose
// scan of it has failed, and the violations it words.
func (l *locator) refuted(n *fastNode, start jsonparse.Mark) {
	if l.keyword == nil {
		// One buffer for both locations, for an instance that needs them;
		// a deeper location grows its half by append.
		buf := make([]byte, 256)
		l.keyword, l.instance = buf[:0:128], buf[128:128]
	}
	l.r.Reset(start)
	switch {
	case len(n.applied) == 1 && !n.own:
		// n's scan is its one applied schema's (a bare $ref), so that
		// one failed too: it is not scanned again.
		k := len(l.keyword)
		l.keyword = append(append(l.keyword, '/'), n.applied[0].name...)
		l.refuted(n.applied[0].node, start)
		l.keyword = l.keyword[:k]
		return
	case l.worded(n):
		return
	}
	l.r.Reset(start)
	if len(n.applied) == 0 && n.always == nil && l.members(n) {
		return
	}
	l.r.Reset(start)
	if !l.r.Skip() {
		l.broken = true
		return
	}
	l.parts = append(l.parts, part{n.schema, l.data[start.Pos():l.r.Mark().Pos()], string(l.keyword), string(l.instance)})
}

// members looks inside an object or array, words the violations of its own
// keywords and adds a part for each member that may violate its schema;
// false when the container must go to the authority whole, and then
// nothing is added.
func (l *locator) members(n *fastNode) bool {
	mark, worded := len(l.parts), len(l.details)
	var ok bool
	switch l.r.Peek() {
	case jsonparse.Object:
		ok = n.allows(tObject) && n.plain() && n.indexed && l.object(n)
	case jsonparse.Array:
		ok = n.allows(tArray) && n.plain() && l.array(n)
	}
	if !ok || l.broken {
		l.parts, l.details = l.parts[:mark], l.details[:worded]
		return false
	}
	return true
}

func (l *locator) object(n *fastNode) bool {
	empty, ok := l.r.Open()
	var k keyTracker
	var denied []string // quoted, as the authority names them
	for more := !empty; ok && more; {
		key, escaped, keyOK := l.r.Key()
		if !keyOK || escaped {
			return false
		}
		sub, denies, memberOK := n.admit(key, &k)
		if !memberOK {
			return false
		}
		if denies {
			denied = append(denied, quote(string(key)))
		}
		if sub == nil {
			l.broken = l.broken || !l.r.Skip()
		} else {
			kw, in := len(l.keyword), len(l.instance)
			if i := n.keyIndex(key); i >= 0 && n.keys[i].node != nil {
				l.keyword = appendToken(append(l.keyword, "/properties/"...), key)
			} else {
				l.keyword = append(l.keyword, "/additionalProperties"...)
			}
			if len(key) > 0 {
				// As jsonschema/v5 writes it: the member "" of /a is at /a.
				l.instance = appendToken(append(l.instance, '/'), key)
			}
			l.value(sub)
			l.keyword, l.instance = l.keyword[:kw], l.instance[:in]
		}
		more, ok = l.r.NextMember()
	}
	if !ok || l.broken {
		return false
	}
	l.wordObject(n, &k, denied)
	return true
}

func (l *locator) array(n *fastNode) bool {
	empty, ok := l.r.Open()
	var seen stringSet
	count, equal := 0, -1 // equal: the index of an earlier element equal to element dup
	dup := -1
	for more := !empty; ok && more; count++ {
		if n.unique && dup < 0 {
			j, sure := seen.indexAt(l.r.Input(), l.r.Mark().Pos())
			if !sure {
				return false
			}
			if j >= 0 {
				equal, dup = j, count
			}
		}
		if n.items == nil {
			l.broken = l.broken || !l.r.Skip()
		} else {
			kw, in := len(l.keyword), len(l.instance)
			l.keyword = append(l.keyword, "/items"...)
			l.instance = strconv.AppendInt(append(l.instance, '/'), int64(count), 10)
			l.value(n.items)
			l.keyword, l.instance = l.keyword[:kw], l.instance[:in]
		}
		more, ok = l.r.NextElement()
	}
	if !ok || l.broken {
		return false
	}
	l.wordArray(n, count, equal, dup)
	return true
}

// appendToken appends a key as a location token, as escapeToken writes
// it; a key of letters, digits, '_', '.' and '-' (most keys) is its own
// token.
func appendToken(dst, key []byte) []byte {
	for _, c := range key {
		if !isLetter(c) && (c < '0' || c > '9') && c != '_' && c != '.' && c != '-' {
			return append(dst, escapeToken(string(key))...)
		}
	}
	return append(dst, key...)
}

// escapeToken writes a key as a location token the way jsonschema/v5's
// own escape does (JSON Pointer escapes, then URL path escapes), so that
// located reports read exactly as whole ones.
func escapeToken(key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return url.PathEscape(key)
}
