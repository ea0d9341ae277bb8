package validate

import (
	"cmp"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// Report is the outcome of validating one instance.
type Report struct {
	// Details holds at most the registry's cap of violations, in the order
	// the validator found them.
	Details []status.Detail
	// Omitted counts the violations beyond the cap.
	Omitted int
}

// Valid reports whether the instance matched.
func (r Report) Valid() bool { return len(r.Details) == 0 && r.Omitted == 0 }

// ValidateJSON checks data, one JSON text, against s. A fast path reads
// the bytes first for schemas within its keywords: it only ever says
// "certainly valid", without building the instance or allocating. Every
// other instance is narrowed down to the values at fault (see locator):
// those the fast path can judge exactly by the keywords it compares, it
// words itself in the jsonschema/v5 authority's words (fastreport.go);
// the rest, or the whole instance when it cannot narrow them down, are
// parsed and judged by the authority. The error is the parser's, when data is
// not JSON by jsonparse's rules (maxDepth as there).
func (s *Schema) ValidateJSON(data []byte, maxDepth int) (Report, error) {
	return s.validateJSON(data, maxDepth, false)
}

// validateJSON is ValidateJSON; refused says the fast path has refused
// data already (CertainAt), so that its scan is not run again only to
// fail again.
func (s *Schema) validateJSON(data []byte, maxDepth int, refused bool) (Report, error) {
	if s.fast == nil {
		return s.validateWhole(data, maxDepth)
	}
	// locate begins with the fast path's scan of the whole, so a valid
	// instance is read once and an invalid one is not read twice.
	parts, all, ok := s.fast.locate(data, maxDepth, refused)
	if !ok {
		return s.validateWhole(data, maxDepth)
	}
	if len(parts) == 0 && len(all) == 0 {
		return Report{}, nil
	}
	for _, p := range parts {
		v, err := jsonparse.Parse(p.data, maxDepth)
		if err != nil { // the locator read it all by the same rules
			return Report{}, err
		}
		all = appendLeaves(all, p.schema.Validate(v), p.keyword, p.instance)
	}
	return capped(all, s.maxDetails), nil
}

func (s *Schema) validateWhole(data []byte, maxDepth int) (Report, error) {
	v, err := jsonparse.Parse(data, maxDepth)
	if err != nil {
		return Report{}, err
	}
	return s.Validate(v), nil
}

// Validate checks v, a value as encoding/json decodes it with UseNumber
// (map[string]any, []any, json.Number, string, bool, nil), against s with
// the authority alone.
func (s *Schema) Validate(v any) Report {
	return capped(appendLeaves(nil, s.compiled.Validate(v), "", ""), s.maxDetails)
}

// appendLeaves flattens the validator's error tree into its leaves (the
// wrapping nodes, "doesn't validate with ...", say nothing a person can act
// on), with the locations of the part it judged put in front.
func appendLeaves(all []status.Detail, err error, keyword, instance string) []status.Detail {
	if err == nil {
		return all
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		// The validator only fails otherwise on a broken instance type,
		// which the decoders here never produce; still, say so.
		return append(all, status.Detail{KeywordLocation: keyword, InstanceLocation: instance, Message: err.Error()})
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			all = append(all, status.Detail{
				InstanceLocation: instance + e.InstanceLocation,
				KeywordLocation:  keyword + e.KeywordLocation,
				Message:          stableMessage(e.Message),
			})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return all
}

// Around the property names jsonschema/v5 lists, in map order, when
// additionalProperties is false.
const (
	extraHead = "additionalProperties "
	extraTail = " not allowed"
)

// stableMessage puts the names of "additionalProperties 'y', 'x' not
// allowed" in order, so that the same event gets the same words every
// time, whichever door it came by.
func stableMessage(m string) string {
	if !strings.HasPrefix(m, extraHead) || !strings.HasSuffix(m, extraTail) || !strings.Contains(m, ", ") {
		return m
	}
	names := strings.Split(m[len(extraHead):len(m)-len(extraTail)], ", ")
	sort.Strings(names)
	return extraHead + strings.Join(names, ", ") + extraTail
}

// capped orders details by location, because the validator walks
// properties in map order and a report must read the same every time, and
// then caps them.
func capped(all []status.Detail, max int) Report {
	slices.SortStableFunc(all, func(a, b status.Detail) int {
		if c := comparePointers(a.InstanceLocation, b.InstanceLocation); c != 0 {
			return c
		}
		return comparePointers(a.KeywordLocation, b.KeywordLocation)
	})
	if len(all) > max {
		return Report{Details: all[:max:max], Omitted: len(all) - max}
	}
	return Report{Details: all}
}

// comparePointers orders JSON Pointers token by token, array indexes by
// number, so that /items/2 comes before /items/10.
func comparePointers(a, b string) int {
	for a != "" && b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if c := compareTokens(ta, tb); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func nextToken(p string) (tok, rest string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// compareTokens orders tokens that read as numbers by their value, and
// those of the same value ("0" and "0000", both object keys) by their
// text: a tie would leave them in the validator's map order, and the
// same event must get the same report every time.
func compareTokens(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil:
		if c := cmp.Compare(na, nb); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}
