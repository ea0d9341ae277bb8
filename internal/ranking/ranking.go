// Package ranking counts what failed validation (the schema keywords and
// the instance paths of violations) in bounded memory and ranks them. The
// batch validator's summary and the live candidate comparison both use it,
// so the two name a failure the same way.
package ranking

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/status"
)

// maxName bounds one name kept: an instance path holds property names from
// the input, which may be long.
const maxName = 256

// Count is one ranked name and how often it failed.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Counter counts names, up to a cap on distinct ones: input full of
// made-up property names cannot grow it without bound. Beyond the cap,
// names already there still count; new ones are left out. It is not safe
// for concurrent use.
type Counter struct {
	max int
	m   map[string]int
}

// NewCounter counts up to max distinct names.
func NewCounter(max int) *Counter { return &Counter{max: max, m: make(map[string]int)} }

// Add counts name once.
func (c *Counter) Add(name string) {
	if len(name) > maxName {
		cut := maxName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	if _, ok := c.m[name]; ok || len(c.m) < c.max {
		c.m[name]++
	}
}

// Top ranks by count, then by name so that ties read the same every run.
func (c *Counter) Top(n int) []Count {
	all := make([]Count, 0, len(c.m))
	for name, k := range c.m {
		all = append(all, Count{Name: name, Count: k})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Name < all[j].Name
	})
	if len(all) > n {
		all = all[:n]
	}
	return all
}

// Failures are a keyword counter and an instance path counter, fed the
// violations of one rejection at a time.
type Failures struct {
	Keywords, Paths *Counter
}

// NewFailures counts up to max distinct keywords and as many paths.
func NewFailures(max int) Failures {
	return Failures{Keywords: NewCounter(max), Paths: NewCounter(max)}
}

// Add counts each violation of a rejection: its keyword and its instance
// path with array indexes folded.
func (f Failures) Add(details []status.Detail) {
	for _, d := range details {
		f.Keywords.Add(KeywordOf(d.KeywordLocation))
		f.Paths.Add(FoldIndexes(d.InstanceLocation))
	}
}

// KeywordOf is the keyword a violation's keyword location ends in:
// "/properties/total/$ref/minimum" is "minimum".
func KeywordOf(loc string) string {
	i := strings.LastIndexByte(loc, '/')
	return unescapeToken(loc[i+1:])
}

// FoldIndexes replaces the array indexes of a JSON Pointer with "*", so
// that /items/3/sku and /items/7/sku add up. A numeric object key is
// folded too; a ranking can live with that.
func FoldIndexes(ptr string) string {
	if !strings.ContainsAny(ptr, "0123456789") {
		return ptr
	}
	toks := strings.Split(ptr, "/")
	for i, t := range toks {
		if i > 0 && isIndex(t) {
			toks[i] = "*"
		}
	}
	return strings.Join(toks, "/")
}

func isIndex(t string) bool {
	if t == "" || (len(t) > 1 && t[0] == '0') {
		return false
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func unescapeToken(t string) string {
	if !strings.Contains(t, "~") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}
