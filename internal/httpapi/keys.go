package httpapi

import (
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

// pathKey reads {type} and {version} from a request path: the type by the
// contract's pattern, the version as "v<N>" the way files are named (v1,
// never 1 or v01). Anything else names no schema: 404, with a message that
// does not echo the path, since it may be anything. A well-formed key is
// still only ever a map key, never part of a file path.
func pathKey(r *http.Request) (event.Key, *status.Error) {
	typ := r.PathValue("type")
	if !event.ValidType(typ) {
		return event.Key{}, status.New(codes.NotFound, "no schema: the type must match "+event.TypePattern)
	}
	v, ok := event.ParseVersion(r.PathValue("version"))
	if !ok {
		return event.Key{}, status.New(codes.NotFound, "no schema: the version must be v<N>, as in v1")
	}
	return event.Key{Type: typ, Version: v}, nil
}
