package httpapi

import (
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// pathKey reads {type} and {version} from a request path: the type by the
// contract's pattern, the version as "v<N>" the way files are named (v1,
// never 1 or v01). Anything else names no schema: 404, with a message that
// does not echo the path, since it may be anything. A well-formed key is
// still only ever a map key, never part of a file path.
func pathKey(r *http.Request) (validate.Key, *status.Error) {
	typ := r.PathValue("type")
	if !validate.ValidType(typ) {
		return validate.Key{}, status.New(codes.NotFound, "no schema: the type must match "+validate.TypePattern)
	}
	v, ok := parseVersion(r.PathValue("version"))
	if !ok {
		return validate.Key{}, status.New(codes.NotFound, "no schema: the version must be v<N>, as in v1")
	}
	return validate.Key{Type: typ, Version: v}, nil
}

// parseVersion accepts what validate accepts in a file name: v followed by
// 1 to 9 digits without a leading zero.
func parseVersion(s string) (int, bool) {
	if len(s) < 2 || len(s) > 10 || s[0] != 'v' || s[1] == '0' {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s[1:])
	return v, err == nil
}

// noSchema is the 404 for a well-formed key the registry does not have,
// worded like the pipeline's.
func noSchema(k validate.Key) *status.Error {
	return status.Newf(codes.NotFound, "no schema for %s", k)
}
