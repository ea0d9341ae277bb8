package validate

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// words are a node's violation messages as jsonschema/v5 writes them,
// worked out once from the compiled schema with the library's own format
// strings, so that the fast path can word the common rejections itself
// (fastreport.go). A message that ends with the instance's value keeps
// only its head here.
type words struct {
	typeHead   string // "expected integer, but got "
	enum       string // the library's own enumError
	format     string // "' is not valid 'uuid'", after the quoted value but its closing quote
	asserted   bool   // the library asserts the format, not only annotates it
	pattern    string
	min, max   string // "must be >= 0 but found "
	exMin      string
	exMax      string
	multipleOf string // " not multipleOf 0.01", after the number
}

// wording returns n's words, working them out at n's first rejection:
// most nodes never reject, and wording all of them cost start-up a few
// percent more allocations. Two rejections at once may both work them
// out; they agree, and either is kept.
func (n *fastNode) wording() *words {
	if w := n.words.Load(); w != nil {
		return w
	}
	w := wordsOf(n.schema)
	if w != nil {
		n.words.Store(w)
	}
	return w
}

// wordsOf works out s's messages, or returns nil when the library no
// longer keeps them where this reads them (see enumErrorField): then the
// authority words every rejection, as before the fast path did.
func wordsOf(s *jsonschema.Schema) *words {
	if enumErrorField < 0 || formatField < 0 {
		return nil
	}
	w := &words{}
	if len(s.Types) > 0 {
		w.typeHead = "expected " + strings.Join(s.Types, " or ") + ", but got "
	}
	v := reflect.ValueOf(s).Elem()
	// The library keeps these unexported; reading them is the only way
	// to be sure of its words and of its choice to assert a format.
	w.enum = v.Field(enumErrorField).String()
	w.asserted = !v.Field(formatField).IsNil()
	if s.Format != "" {
		w.format = "' is not valid " + quote(s.Format)
	}
	if s.Pattern != nil {
		w.pattern = "does not match pattern " + quote(s.Pattern.String())
	}
	w.min = boundWords("must be >= %v but found ", s.Minimum)
	w.max = boundWords("must be <= %v but found ", s.Maximum)
	w.exMin = boundWords("must be > %v but found ", s.ExclusiveMinimum)
	w.exMax = boundWords("must be < %v but found ", s.ExclusiveMaximum)
	w.multipleOf = boundWords(" not multipleOf %v", s.MultipleOf)
	return w
}

// The indexes of jsonschema.Schema's unexported enumError (a string) and
// format (a func), found once: looking fields up by name for every node
// would slow start-up. -1 when a library upgrade has renamed or retyped
// one; TestLibraryKeepsWords then fails so that someone looks.
var enumErrorField, formatField = func() (int, int) {
	t := reflect.TypeFor[jsonschema.Schema]()
	index := func(name string, kind reflect.Kind) int {
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 || f.Type.Kind() != kind {
			return -1
		}
		return f.Index[0]
	}
	return index("enumError", reflect.String), index("format", reflect.Func)
}()

// boundWords formats a numeric limit as the library does: as a float64.
func boundWords(format string, r *big.Rat) string {
	if r == nil {
		return ""
	}
	f, _ := r.Float64()
	return fmt.Sprintf(format, f)
}

// quote is jsonschema/v5's quote: Go quoting in single quotes.
func quote(s string) string {
	s = fmt.Sprintf("%q", s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}
