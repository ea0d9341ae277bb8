package compat

import "github.com/santhosh-tekuri/jsonschema/v5"

// ruleKeywords are the keywords a rule is about, so that a finding's
// pointers end at the keyword itself where the schema has it.
func ruleKeywords(rule string) []string {
	switch rule {
	case "TYPE_NARROWED":
		return []string{"type"}
	case "ENUM_NARROWED":
		return []string{"enum"}
	case "CONST_CHANGED":
		return []string{"const"}
	case "NUMBER_RANGE_NARROWED":
		return []string{"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}
	case "MULTIPLE_OF_CHANGED":
		return []string{"multipleOf"}
	case "STRING_LENGTH_NARROWED":
		return []string{"minLength", "maxLength"}
	case "FORMAT_ADDED":
		return []string{"format"}
	case "PATTERN_CHANGED":
		return []string{"pattern"}
	case "REQUIRED_ADDED":
		return []string{"required"}
	case "ADDITIONAL_PROPERTIES_NARROWED", "PROPERTY_REMOVED_FROM_CLOSED":
		return []string{"additionalProperties", "unevaluatedProperties"}
	case "UNEVALUATED_PROPERTIES_NARROWED":
		return []string{"unevaluatedProperties"}
	case "PROPERTY_COUNT_NARROWED":
		return []string{"minProperties", "maxProperties"}
	case "ARRAY_LENGTH_NARROWED":
		return []string{"minItems", "maxItems"}
	case "UNIQUE_ITEMS_ADDED":
		return []string{"uniqueItems"}
	case "BRANCH_REMOVED", "COMPOSITION_CHANGED":
		return []string{"oneOf", "anyOf"}
	}
	return nil
}

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
