package bench

// reply is what the generator needs from a server's reply. A hand scan fills
// it without allocating, because encoding/json would cost the generator more
// CPU than some servers spend validating (echo replies carry the whole data).
type reply struct {
	id        []byte // raw bytes of the id string; nil when absent, null or escaped
	ok        bool
	hasOK     bool
	code      int
	details   bool // error.details is a non-empty array
	hasResult bool
}

// parseReply scans one reply object. It reports false when b is not a JSON
// object with an "ok" boolean; values it does not need are skipped, not checked.
func parseReply(b []byte) (reply, bool) {
	var r reply
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return r, false
	}
	_, ok := eachMember(b, i, func(key []byte, v int) (int, bool) {
		switch string(key) {
		case "id":
			r.id = stringAt(b, v)
		case "ok":
			r.ok, r.hasOK = boolAt(b, v)
		case "error":
			return parseError(b, v, &r)
		case "result":
			r.hasResult = true
		}
		return skipValue(b, v)
	})
	return r, ok && r.hasOK
}

// parseError reads code and the presence of details from the error object at i.
func parseError(b []byte, i int, r *reply) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return skipValue(b, i)
	}
	return eachMember(b, i, func(key []byte, v int) (int, bool) {
		switch string(key) {
		case "code":
			r.code = intAt(b, v)
		case "details":
			if v < len(b) && b[v] == '[' {
				j := skipSpace(b, v+1)
				r.details = j < len(b) && b[j] != ']'
			}
		}
		return skipValue(b, v)
	})
}

// eachMember walks the object at b[i] == '{', calling fn with each key and
// the index of its value; fn returns the index just past that value.
// eachMember returns the index just past the object.
func eachMember(b []byte, i int, fn func(key []byte, v int) (int, bool)) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for n := 0; n < len(b); n++ { // bounded: every member takes a byte
		key := stringAt(b, i)
		end, ok := skipString(b, i)
		if !ok {
			return 0, false
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i, ok = fn(key, skipSpace(b, i+1)); !ok {
			return 0, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = skipSpace(b, i+1)
		default:
			return 0, false
		}
	}
	return 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// stringAt returns the contents of the string at b[i], or nil when there is no
// string there or it holds escapes (ids the generator sends never do).
func stringAt(b []byte, i int) []byte {
	if i >= len(b) || b[i] != '"' {
		return nil
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return b[i+1 : j]
		case '\\':
			return nil
		}
	}
	return nil
}

func boolAt(b []byte, i int) (val, ok bool) {
	switch {
	case hasPrefixAt(b, i, "true"):
		return true, true
	case hasPrefixAt(b, i, "false"):
		return false, true
	}
	return false, false
}

func hasPrefixAt(b []byte, i int, s string) bool {
	return len(b)-i >= len(s) && string(b[i:i+len(s)]) == s
}

// intAt reads a plain integer; anything else reads as 0, which no contract
// rejection code uses.
func intAt(b []byte, i int) int {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	n, digits := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && digits < 9; i++ {
		n = n*10 + int(b[i]-'0')
		digits++
	}
	if neg {
		return -n
	}
	return n
}

// skipString returns the index past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			j++
		}
	}
	return 0, false
}

// skipValue returns the index past the value starting at b[i]. Containers are
// skipped by bracket depth, minding strings, without checking their grammar.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipContainer(b, i)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' &&
		b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	return j, j > i
}

func skipContainer(b []byte, i int) (int, bool) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		case '"':
			end, ok := skipString(b, j)
			if !ok {
				return 0, false
			}
			j = end - 1
		}
	}
	return 0, false
}
