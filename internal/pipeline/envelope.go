package pipeline

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

// maxIDLength is the contract's bound on an envelope id, in characters.
const maxIDLength = 128

// maxVersion keeps versions in the range a file name v<N>.json can have.
const maxVersion = 999_999_999

// envelope is a frame decoded by the contract's rules. rawID is the id as
// it appeared (a JSON string literal), echoed into the reply unchanged so
// that no re-encoding happens on the hot path.
type envelope struct {
	id    string
	rawID []byte
	key   validate.Key
	data  any
	raw   []byte // data's JSON, exactly as received
}

// decodeEnvelope parses a frame once: the envelope and its data in one
// pass, duplicate keys anywhere refused as ambiguous. Errors are
// INVALID_ARGUMENT; the envelope is returned as far as it was read, so that
// a reply can carry the id whenever the id itself was readable.
func decodeEnvelope(frame []byte, maxDepth int) (envelope, *status.Error) {
	var env envelope
	members, err := jsonparse.ParseObject(frame, maxDepth)
	if err != nil {
		if errors.Is(err, jsonparse.ErrNotObject) {
			return env, status.New(codes.InvalidArgument, "frame is not a JSON object")
		}
		return env, status.New(codes.InvalidArgument, "frame is not valid JSON: "+err.Error())
	}
	var typ, ver, data *jsonparse.Member
	var id *jsonparse.Member
	for i := range members {
		switch m := &members[i]; m.Key {
		case "id":
			id = m
		case "type":
			typ = m
		case "version":
			ver = m
		case "data":
			data = m
		}
	}
	if e := env.setID(id); e != nil {
		return env, e
	}
	if e := env.setKey(typ, ver); e != nil {
		return env, e
	}
	if data == nil {
		return env, status.New(codes.InvalidArgument, "envelope: data is missing")
	}
	env.data, env.raw = data.Value, data.Raw
	return env, nil
}

func (env *envelope) setID(m *jsonparse.Member) *status.Error {
	if m == nil {
		return status.New(codes.InvalidArgument, "envelope: id is missing")
	}
	s, ok := m.Value.(string)
	if !ok {
		return status.New(codes.InvalidArgument, "envelope: id must be a string")
	}
	if n := utf8.RuneCountInString(s); n < 1 || n > maxIDLength {
		return status.Newf(codes.InvalidArgument, "envelope: id must be 1 to %d characters, got %d", maxIDLength, n)
	}
	env.id, env.rawID = s, m.Raw
	return nil
}

func (env *envelope) setKey(typ, ver *jsonparse.Member) *status.Error {
	if typ == nil {
		return status.New(codes.InvalidArgument, "envelope: type is missing")
	}
	t, ok := typ.Value.(string)
	if !ok || !validate.ValidType(t) {
		return status.New(codes.InvalidArgument, "envelope: type must be a string matching "+validate.TypePattern)
	}
	if ver == nil {
		return status.New(codes.InvalidArgument, "envelope: version is missing")
	}
	v, ok := parseVersion(ver.Raw)
	if !ok {
		return status.New(codes.InvalidArgument, "envelope: version must be an integer >= 1")
	}
	env.key = validate.Key{Type: t, Version: v}
	return nil
}

// parseVersion accepts a JSON integer literal; "1", 1.0 and true are not
// versions.
func parseVersion(raw []byte) (int, bool) {
	if len(raw) == 0 || len(raw) > 9 || raw[0] < '1' || raw[0] > '9' {
		return 0, false
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 1 || v > maxVersion {
		return 0, false
	}
	return v, true
}
