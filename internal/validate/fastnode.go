package validate

import (
	"math"
	"math/big"
	"regexp"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// fastNode is one schema of the fast path: the keywords of the common
// subset, precomputed so that checking a valid instance allocates nothing.
// Its scan only ever answers "certainly valid"; anything else goes to the
// locator, which words the violations it can judge exactly as the
// jsonschema/v5 authority would and hands the authority the rest.
type fastNode struct {
	schema  *jsonschema.Schema // the authority's schema this node stands for
	always  *bool
	applied []namedNode // $ref and allOf/i: schemas the same value must also match
	own     bool        // whether n has keywords of its own besides those
	// direct is the node whose own keywords are n's whole check: n when
	// it applies no other schema, the end of a chain of bare $refs, nil
	// when n applies schemas besides keywords of its own (see check).
	direct *fastNode
	// only is tString or tNumber for a node that allows that type alone
	// (numbers: integer, number or both) and is not always-true or
	// always-false: its checkOwn of any value is exactly stringAt or
	// numberAt, which object calls at once.
	only    uint8
	types   uint8 // bit set of json types allowed; 0: any
	enum    []any // strings, booleans and nulls only
	hasEnum bool
	format  func(any) bool    // for strings
	quick   func([]byte) bool // format's plain cases, when it has them
	// formatAll: the format may judge values other than strings too,
	// which the fast path leaves to the authority.
	formatAll bool

	keys         []namedNode    // properties, then required names not among them (node nil)
	keyMap       map[string]int // index of keys, when there are too many to compare
	requiredMask uint64         // bits of keys that are required
	indexed      bool           // keys fit the 64 bits of a mask; else objects go to the authority
	// anyObject and anyArray: no keyword looks inside one, so reading it
	// by the parser's rules (Skip) is the whole check, for any size.
	anyObject, anyArray bool
	addl                addlKind
	addlNode            *fastNode
	minProps            int
	maxProps            int
	minItems            int
	maxItems            int
	unique              bool
	items               *fastNode
	minLen              int
	maxLen              int
	pattern             *regexp.Regexp
	simple              *simplePattern // pattern's exact scanner, when it has that shape
	min, max            bound
	exMin               bound
	exMax               bound
	multipleOf          multiple
	// words are the authority's messages, for the rejections the fast
	// path words itself: worked out at n's first rejection, not for
	// every node at start-up (see wordsOf).
	words atomic.Pointer[words]
}

// namedNode is a schema with a name: one key an object schema knows (a
// property, or a required name with no property schema: node nil), or an
// applied schema with its keyword path.
type namedNode struct {
	name string
	node *fastNode
	// lit is a key's literal for the checker's likeliest next key (none
	// for an applied schema, or a key a sender must escape).
	lit keyLiteral
}

type addlKind uint8

const (
	addlAllow addlKind = iota
	addlDeny
	addlSchema
)

// JSON types as bits of fastNode.types.
const (
	tNull uint8 = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

func typeBit(t string) uint8 {
	switch t {
	case "null":
		return tNull
	case "boolean":
		return tBoolean
	case "number":
		return tNumber
	case "integer":
		return tInteger
	case "string":
		return tString
	case "array":
		return tArray
	case "object":
		return tObject
	}
	return 0
}

// bound is a numeric limit the fast path can compare exactly: an integer
// that fits int64. A limit of another shape is set but not exact, and every
// number checked against it goes to the authority.
type bound struct {
	set, exact bool
	v          int64
}

func boundOf(r *big.Rat) bound {
	if r == nil {
		return bound{}
	}
	if r.IsInt() && r.Num().IsInt64() && r.Num().Int64() != math.MinInt64 { // negatable
		return bound{set: true, exact: true, v: r.Num().Int64()}
	}
	return bound{set: true}
}

// multiple is a multipleOf the fast path checks exactly on decimal text:
// 10^-digits (0.01 is the usual money rule) or a positive integer.
type multiple struct {
	set, exact bool
	digits     int   // for 10^-digits
	n          int64 // for an integer; 0 when digits applies
}

func multipleOfRat(r *big.Rat) multiple {
	if r == nil {
		return multiple{}
	}
	if r.IsInt() && r.Num().IsInt64() && r.Num().Sign() > 0 {
		return multiple{set: true, exact: true, n: r.Num().Int64()}
	}
	if r.Num().Cmp(big.NewInt(1)) == 0 {
		d, ten := new(big.Int).Set(r.Denom()), big.NewInt(10)
		digits := 0
		for d.Cmp(big.NewInt(1)) > 0 && digits < 18 {
			q, m := new(big.Int).QuoRem(d, ten, new(big.Int))
			if m.Sign() != 0 {
				return multiple{set: true}
			}
			d, digits = q, digits+1
		}
		if d.Cmp(big.NewInt(1)) == 0 {
			return multiple{set: true, exact: true, digits: digits}
		}
	}
	return multiple{set: true}
}
