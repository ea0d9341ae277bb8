package validate

import (
	"reflect"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// fieldRole is what the fast path makes of one field of jsonschema.Schema.
type fieldRole int

const (
	// checked fields are keywords the fast path judges itself.
	checked fieldRole = iota + 1
	// inert fields cannot change a verdict: annotations, bookkeeping,
	// values derived from another field, and fields that only act beside
	// a refused one (Then without If, MinContains without Contains).
	inert
	// refused fields are keywords left to the authority: a schema that
	// sets one has no fast path.
	refused
)

// schemaFields classifies every field of jsonschema.Schema. It is an
// allow-list: a field missing here (one a library upgrade adds, say) is
// treated as refused, so the fast path never answers "certainly valid"
// while ignoring a keyword; TestEverySchemaFieldIsClassified fails on it
// so that someone decides.
var schemaFields = map[string]fieldRole{
	// checked
	"Always": checked, "Ref": checked, "AllOf": checked, "Types": checked,
	"Enum": checked, "Format": checked,
	"MinProperties": checked, "MaxProperties": checked, "Required": checked,
	"Properties": checked, "AdditionalProperties": checked,
	"MinItems": checked, "MaxItems": checked, "UniqueItems": checked, "Items2020": checked,
	"MinLength": checked, "MaxLength": checked, "Pattern": checked,
	"Minimum": checked, "ExclusiveMinimum": checked, "Maximum": checked,
	"ExclusiveMaximum": checked, "MultipleOf": checked,
	// inert
	"Location": inert, "Draft": inert, "meta": inert, "vocab": inert, "dynamicAnchors": inert,
	"format": inert, "enumError": inert, "RecursiveAnchor": inert, "DynamicAnchor": inert,
	"dynamicRefAnchor": inert, "Then": inert, "Else": inert,
	"ContainsEval": inert, "MinContains": inert, "MaxContains": inert,
	"decoder": inert, "mediaType": inert,
	"Title": inert, "Description": inert, "Default": inert, "Comment": inert,
	"ReadOnly": inert, "WriteOnly": inert, "Examples": inert, "Deprecated": inert,
	// refused
	"RecursiveRef": refused, "DynamicRef": refused, "Constant": refused,
	"Not": refused, "AnyOf": refused, "OneOf": refused, "If": refused,
	"PropertyNames": refused, "RegexProperties": refused, "PatternProperties": refused,
	"Dependencies": refused, "DependentRequired": refused, "DependentSchemas": refused,
	"UnevaluatedProperties": refused, "UnevaluatedItems": refused,
	"Items": refused, "AdditionalItems": refused, "PrefixItems": refused, "Contains": refused,
	"ContentEncoding": refused, "ContentMediaType": refused, "ContentSchema": refused,
	"Extensions": refused,
}

// libraryFormats are jsonschema/v5's own format checkers, each of which
// passes every value that is not a string (format.go opens each with
// "s, ok := v.(string); if !ok { return true }", and
// TestLibraryFormatsPassNonStrings holds the library to it), so the fast
// path asks them only about strings. A checker registered by anyone else,
// or one a library upgrade adds, is not listed and so is asked about
// every value; TestEveryLibraryFormatIsClassified fails on a new one so
// that someone decides.
var libraryFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "duration": true, "period": true,
	"hostname": true, "email": true, "ip-address": true, "ipv4": true, "ipv6": true,
	"uri": true, "iri": true, "uri-reference": true, "uriref": true, "iri-reference": true,
	"uri-template": true, "regex": true, "json-pointer": true, "relative-json-pointer": true,
	"uuid": true,
}

// libraryFormat says name is one of libraryFormats.
func libraryFormat(name string) bool { return libraryFormats[name] }

// supported says whether every field s sets is one the fast path checks or
// one that cannot change a verdict.
func supported(s *jsonschema.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	for _, i := range notAllowed {
		if !v.Field(i).IsZero() {
			return false
		}
	}
	return knownAdditional(s.AdditionalProperties)
}

// notAllowed are the indexes of the fields of jsonschema.Schema that are
// neither checked nor inert (schemaFields, unlisted ones included),
// worked out once because start-up asks supported about every node of
// every schema and reflection by name would repeat that work each time.
var notAllowed = func() []int {
	t := reflect.TypeFor[jsonschema.Schema]()
	var idx []int
	for i := range t.NumField() {
		if role := schemaFields[t.Field(i).Name]; role != checked && role != inert {
			idx = append(idx, i)
		}
	}
	return idx
}()

func knownAdditional(a any) bool {
	switch a.(type) {
	case nil, bool, *jsonschema.Schema:
		return true
	}
	return false
}
