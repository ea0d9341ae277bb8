package compat

// Rule is a stable finding ID, what it means and the keywords it is about;
// README's table lists them all (TestReadmeListsRules holds it to this
// list). One table, so that a new rule cannot be listed without saying
// where its findings point.
type Rule struct {
	ID, Meaning string
	// keywords are the keywords the rule is about, so that a finding's
	// pointers end at the keyword itself where the schema has it.
	keywords []string
}

// Rules lists every rule ID a finding can carry. IDs name the change as
// seen from the schema that must accept more (backward: old → new;
// forward: new → old).
func Rules() []Rule {
	return []Rule{
		{"TYPE_NARROWED", "`type` lets fewer types through (number → integer counts)", []string{"type"}},
		{"ENUM_NARROWED", "`enum` added, or a value removed from it", []string{"enum"}},
		{"CONST_CHANGED", "`const` added or changed", []string{"const"}},
		{"NUMBER_RANGE_NARROWED", "`minimum`/`exclusiveMinimum` raised or `maximum`/`exclusiveMaximum` lowered (or made exclusive)", []string{"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}},
		{"MULTIPLE_OF_CHANGED", "`multipleOf` added, or changed to a value the old one is not a multiple of", []string{"multipleOf"}},
		{"STRING_LENGTH_NARROWED", "`minLength` raised or `maxLength` lowered", []string{"minLength", "maxLength"}},
		{"FORMAT_ADDED", "`format` added or changed (only when formats are asserted)", []string{"format"}},
		{"PATTERN_CHANGED", "`pattern` added or changed; settled by searching for a string the old pattern takes and the new one does not", []string{"pattern"}},
		{"REQUIRED_ADDED", "a member became required", []string{"required"}},
		{"PROPERTY_ADDED_TO_OPEN", "a member an open object took with any value is now constrained", nil},
		{"PROPERTY_REMOVED_FROM_CLOSED", "a member was removed from an object closed by `additionalProperties` or `unevaluatedProperties`", []string{"additionalProperties", "unevaluatedProperties"}},
		{"ADDITIONAL_PROPERTIES_NARROWED", "members not named are refused or constrained by `additionalProperties`", []string{"additionalProperties", "unevaluatedProperties"}},
		{"UNEVALUATED_PROPERTIES_NARROWED", "members no subschema evaluates are refused or constrained by `unevaluatedProperties`", []string{"unevaluatedProperties"}},
		{"PROPERTY_COUNT_NARROWED", "`minProperties` raised or `maxProperties` lowered", []string{"minProperties", "maxProperties"}},
		{"ITEMS_NARROWED", "an array position (`prefixItems`, `items`) is constrained more, or may no longer exist", nil},
		{"ARRAY_LENGTH_NARROWED", "`minItems` raised or `maxItems` lowered", []string{"minItems", "maxItems"}},
		{"UNIQUE_ITEMS_ADDED", "`uniqueItems` turned on", []string{"uniqueItems"}},
		{"ONEOF_BRANCH_OVERLAP", "a `oneOf` branch added or changed can match what another branch matches: such an instance now matches two and is refused", nil},
		{"BRANCH_REMOVED", "an `anyOf`/`oneOf` branch was removed", []string{"oneOf", "anyOf"}},
		{"COMPOSITION_CHANGED", "`anyOf`/`oneOf` added where there was none", []string{"oneOf", "anyOf"}},
		{"SCHEMA_REJECTS_ALL", "the schema became `false` at a place", nil},
		{"KEYWORD_CHANGED", "a keyword the checker does not reason about changed (`not`, `if`/`then`/`else`, `dependentRequired`, `dependentSchemas`, `propertyNames`, `patternProperties`, `contains`, `$dynamicRef`, content keywords)", nil},
		{"VERSION_REMOVED", "with `--against`: a version the old tree had is gone, so its events are refused as unknown", nil},
	}
}

// ruleKeywords are the keywords rule is about (none for a rule not about
// one keyword).
func ruleKeywords(rule string) []string {
	for _, r := range Rules() {
		if r.ID == rule {
			return r.keywords
		}
	}
	return nil
}
