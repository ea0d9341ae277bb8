package compat

// Rule is a stable finding ID and what it means; README's table lists
// them all (TestReadmeListsRules holds it to this list).
type Rule struct {
	ID, Meaning string
}

// Rules lists every rule ID a finding can carry. IDs name the change as
// seen from the schema that must accept more (backward: old → new;
// forward: new → old).
func Rules() []Rule {
	return []Rule{
		{"TYPE_NARROWED", "`type` lets fewer types through (number → integer counts)"},
		{"ENUM_NARROWED", "`enum` added, or a value removed from it"},
		{"CONST_CHANGED", "`const` added or changed"},
		{"NUMBER_RANGE_NARROWED", "`minimum`/`exclusiveMinimum` raised or `maximum`/`exclusiveMaximum` lowered (or made exclusive)"},
		{"MULTIPLE_OF_CHANGED", "`multipleOf` added, or changed to a value the old one is not a multiple of"},
		{"STRING_LENGTH_NARROWED", "`minLength` raised or `maxLength` lowered"},
		{"FORMAT_ADDED", "`format` added or changed (only when formats are asserted)"},
		{"PATTERN_CHANGED", "`pattern` added or changed; settled by searching for a string the old pattern takes and the new one does not"},
		{"REQUIRED_ADDED", "a member became required"},
		{"PROPERTY_ADDED_TO_OPEN", "a member an open object took with any value is now constrained"},
		{"PROPERTY_REMOVED_FROM_CLOSED", "a member was removed from an object closed by `additionalProperties` or `unevaluatedProperties`"},
		{"ADDITIONAL_PROPERTIES_NARROWED", "members not named are refused or constrained by `additionalProperties`"},
		{"UNEVALUATED_PROPERTIES_NARROWED", "members no subschema evaluates are refused or constrained by `unevaluatedProperties`"},
		{"PROPERTY_COUNT_NARROWED", "`minProperties` raised or `maxProperties` lowered"},
		{"ITEMS_NARROWED", "an array position (`prefixItems`, `items`) is constrained more, or may no longer exist"},
		{"ARRAY_LENGTH_NARROWED", "`minItems` raised or `maxItems` lowered"},
		{"UNIQUE_ITEMS_ADDED", "`uniqueItems` turned on"},
		{"ONEOF_BRANCH_OVERLAP", "a `oneOf` branch added or changed can match what another branch matches: such an instance now matches two and is refused"},
		{"BRANCH_REMOVED", "an `anyOf`/`oneOf` branch was removed"},
		{"COMPOSITION_CHANGED", "`anyOf`/`oneOf` added where there was none"},
		{"SCHEMA_REJECTS_ALL", "the schema became `false` at a place"},
		{"KEYWORD_CHANGED", "a keyword the checker does not reason about changed (`not`, `if`/`then`/`else`, `dependentRequired`, `dependentSchemas`, `propertyNames`, `patternProperties`, `contains`, `$dynamicRef`, content keywords)"},
		{"VERSION_REMOVED", "with `--against`: a version the old tree had is gone, so its events are refused as unknown"},
	}
}
