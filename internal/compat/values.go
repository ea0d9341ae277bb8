package compat

import (
	"encoding/json"
	"math/big"
)

// anyValues are one or two values of every JSON type, for places where
// the older schema took anything.
func anyValues() []any {
	return []any{json.Number("0"), "a", nil, true, json.Number("1.5"), "",
		map[string]any{}, []any{}, json.Number("-1"), map[string]any{"a": json.Number("1")}}
}

func ratOf(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	return new(big.Rat).SetString(string(n))
}

// show renders a value for a message.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
