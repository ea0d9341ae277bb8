package compat

import "github.com/santhosh-tekuri/jsonschema/v5"

// keywordOn is the first of the rule's keywords that s states, or "".
func keywordOn(s *jsonschema.Schema, rule string) string {
	if s == nil {
		return ""
	}
	st := stated(s)
	for _, kw := range ruleKeywords(rule) {
		if st[kw] {
			return kw
		}
	}
	return ""
}

// stated says, for each keyword a rule can be about, whether s states it:
// one line a keyword, each the test of the field the library reads it
// into (the library keeps -1 for an absent length or count bound).
func stated(s *jsonschema.Schema) map[string]bool {
	return map[string]bool{
		"type":                  len(s.Types) > 0,
		"enum":                  s.Enum != nil,
		"const":                 len(s.Constant) > 0,
		"minimum":               s.Minimum != nil,
		"exclusiveMinimum":      s.ExclusiveMinimum != nil,
		"maximum":               s.Maximum != nil,
		"exclusiveMaximum":      s.ExclusiveMaximum != nil,
		"multipleOf":            s.MultipleOf != nil,
		"minLength":             s.MinLength >= 0,
		"maxLength":             s.MaxLength >= 0,
		"format":                s.Format != "",
		"pattern":               s.Pattern != nil,
		"required":              len(s.Required) > 0,
		"additionalProperties":  s.AdditionalProperties != nil,
		"unevaluatedProperties": s.UnevaluatedProperties != nil,
		"minProperties":         s.MinProperties >= 0,
		"maxProperties":         s.MaxProperties >= 0,
		"minItems":              s.MinItems >= 0,
		"maxItems":              s.MaxItems >= 0,
		"uniqueItems":           s.UniqueItems,
		"oneOf":                 len(s.OneOf) > 0,
		"anyOf":                 len(s.AnyOf) > 0,
	}
}
