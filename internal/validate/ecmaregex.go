package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// JSON Schema patterns are ECMA-262 regular expressions; the validator
// compiles them with Go's RE2, which is safe from catastrophic backtracking
// but lacks some ECMA-262 escapes. translatePatterns rewrites the ones that
// have an exact RE2 equivalent before the compiler sees the schema, so a
// valid schema is not refused for a spelling. Today that is the control
// escape \cX (the character X mod 32).

// dataKeywords hold instances, not schemas: patterns inside them are data.
var dataKeywords = map[string]bool{"const": true, "enum": true, "default": true, "examples": true}

// translatePatterns returns data unchanged unless a pattern in it needs a
// rewrite, in which case it returns the rewritten document.
func translatePatterns(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\\c`)) {
		return data
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return data
	}
	if !rewriteSchema(doc) {
		return data
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return data
	}
	return out
}

func rewriteSchema(v any) bool {
	changed := false
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			changed = rewriteSchema(e) || changed
		}
	case map[string]any:
		for k, e := range v {
			switch {
			case dataKeywords[k]:
				continue
			case k == "pattern":
				if s, ok := e.(string); ok {
					if t := ecmaToRE2(s); t != s {
						v[k], changed = t, true
					}
				}
			case k == "patternProperties":
				changed = rewriteKeys(e) || changed
			}
			changed = rewriteSchema(e) || changed
		}
	}
	return changed
}

func rewriteKeys(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	changed := false
	for k, e := range m {
		if t := ecmaToRE2(k); t != k {
			delete(m, k)
			m[t] = e
			changed = true
		}
	}
	return changed
}

// ecmaToRE2 rewrites \cX (X a letter) as the hex escape of its control
// character, leaving every other escape as it is.
func ecmaToRE2(p string) string {
	if !strings.Contains(p, `\c`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			if p[i+1] == 'c' && i+2 < len(p) && isLetter(p[i+2]) {
				fmt.Fprintf(&b, `\x%02X`, p[i+2]%32)
				i += 2
				continue
			}
			b.WriteByte(p[i])
			b.WriteByte(p[i+1])
			i++
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
