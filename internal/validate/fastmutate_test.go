package validate

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
)

// Values near the limits the fast path compares on its own: signs, zero,
// fractions, exponents, bounds of the shared schemas, odd strings.
var (
	numberEdges = []string{"0", "-0", "-0.0", "1", "-1", "0.5", "-0.5", "0.01", "0.001", "0.010",
		"1.0", "1e2", "1E-2", "150", "150.0", "150.5", "151", "1000", "1001", "99999999999999999999",
		"-99999999999999999999", "123456789012345678", "1234567890123456789", "896.625", "12.30"}
	stringEdges = []string{"", "a", "AB", "ABC", "ab", "ABC-1234", "AB-1234", "ABC-12345", "KR",
		"user@example.com", "not an email", "2026-07-04T04:21:14Z", "2026-13-04T04:21:14Z",
		"0ec6eb6b-4cef-47fa-b767-6965a46929f7", "0ec6eb6b-4cef-47fa-b767-6965a46929f", "EUR", "eur",
		strings.Repeat("x", 100), strings.Repeat("x", 101), strings.Repeat("é", 100), strings.Repeat("é", 201)}
)

// mutate returns a deep copy of v with one random change somewhere.
func mutate(rng *rand.Rand, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v)+1)
		keys := make([]string, 0, len(v))
		for k, x := range v {
			out[k] = x
			keys = append(keys, k)
		}
		switch r := rng.IntN(10); {
		case r == 0 && len(keys) > 0:
			delete(out, keys[rng.IntN(len(keys))])
		case r == 1:
			out["extra"] = leaf(rng)
		case len(keys) > 0:
			k := keys[rng.IntN(len(keys))]
			out[k] = mutate(rng, v[k])
		}
		return out
	case []any:
		out := append([]any(nil), v...)
		switch r := rng.IntN(8); {
		case r == 0 && len(out) > 0:
			out = out[:len(out)-1]
		case r == 1 && len(out) > 0:
			out = append(out, out[rng.IntN(len(out))])
		case r == 2:
			out = append(out, leaf(rng))
		case len(out) > 0:
			i := rng.IntN(len(out))
			out[i] = mutate(rng, out[i])
		}
		return out
	}
	return leaf(rng)
}

func leaf(rng *rand.Rand) any {
	switch rng.IntN(6) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2, 3:
		return json.Number(numberEdges[rng.IntN(len(numberEdges))])
	}
	return stringEdges[rng.IntN(len(stringEdges))]
}
