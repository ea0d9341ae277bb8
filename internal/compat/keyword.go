package compat

import "github.com/santhosh-tekuri/jsonschema/v5"

// keywordOn is the first of the rule's keywords that s states, or "".
func keywordOn(s *jsonschema.Schema, rule string) string {
	if s == nil {
		return ""
	}
	for _, kw := range ruleKeywords(rule) {
		if states(s, kw) {
			return kw
		}
	}
	return ""
}

func states(s *jsonschema.Schema, kw string) bool {
	switch kw {
	case "type":
		return len(s.Types) > 0
	case "enum":
		return s.Enum != nil
	case "const":
		return len(s.Constant) > 0
	case "minimum":
		return s.Minimum != nil
	case "exclusiveMinimum":
		return s.ExclusiveMinimum != nil
	case "maximum":
		return s.Maximum != nil
	case "exclusiveMaximum":
		return s.ExclusiveMaximum != nil
	case "multipleOf":
		return s.MultipleOf != nil
	case "minLength":
		return s.MinLength >= 0
	case "maxLength":
		return s.MaxLength >= 0
	case "format":
		return s.Format != ""
	case "pattern":
		return s.Pattern != nil
	case "required":
		return len(s.Required) > 0
	case "additionalProperties":
		return s.AdditionalProperties != nil
	case "unevaluatedProperties":
		return s.UnevaluatedProperties != nil
	case "minProperties":
		return s.MinProperties >= 0
	case "maxProperties":
		return s.MaxProperties >= 0
	case "minItems":
		return s.MinItems >= 0
	case "maxItems":
		return s.MaxItems >= 0
	case "uniqueItems":
		return s.UniqueItems
	case "oneOf":
		return len(s.OneOf) > 0
	case "anyOf":
		return len(s.AnyOf) > 0
	}
	return false
}
