// Package envelope decodes a frame by the wire contract's rules: one JSON
// object with id, type, version and data, parsed once, duplicate keys
// anywhere refused. The server's pipeline and the batch validator both use
// it, so a report and a live rejection can never disagree.
package envelope

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// maxIDLength is the contract's bound on an envelope id, in characters.
const maxIDLength = 128

// BareID is the id of the envelope a bare route's frame (the data alone)
// is recorded as in the dead letter, so that the server writing it and
// validate replaying it agree.
const BareID = "bare"

// Envelope is a frame decoded by the contract's rules, as far as it could
// be read.
//
// Its event's Key is zero when type or version was not readable; its Raw
// is checked by jsonparse's rules but not built into values: the
// validator reads it as bytes and handlers decode it into their own
// types.
type Envelope struct {
	event.Event
	// RawID is the id as it appeared (a JSON string literal), so a reply
	// can echo it without re-encoding; nil when the id was not readable.
	RawID []byte
}

// Decode parses a frame once: the envelope and its data in one pass,
// duplicate keys anywhere refused as ambiguous, the data checked but left
// as bytes. Errors are
// INVALID_ARGUMENT; the envelope is returned as far as it was read, so that
// a reply can carry the id whenever the id itself was readable.
func Decode(frame []byte, maxDepth int) (Envelope, *status.Error) {
	var env Envelope
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
		return env, errNoData()
	}
	env.Raw = data.Raw
	return env, nil
}

func (env *Envelope) setID(m *jsonparse.Member) *status.Error {
	if m == nil {
		return status.New(codes.InvalidArgument, "envelope: id is missing")
	}
	s, ok := m.Value.(string)
	if !ok {
		return status.New(codes.InvalidArgument, "envelope: id must be a string")
	}
	// Decoding makes a lone surrogate U+FFFD, so "a\ud800" and "a\udc00"
	// would be one id in the file, the webhook's Idempotency-Key and
	// Nats-Msg-Id while their replies echo two: de-duplication would drop
	// an acknowledged event. Refused, every id is the string sent; the
	// reply still echoes the literal so the client can match it.
	if jsonparse.LoneSurrogate(m.Raw) {
		env.RawID = m.Raw
		return status.New(codes.InvalidArgument, "envelope: id must be valid Unicode (it escapes a lone surrogate)")
	}
	if e := checkID(s); e != nil {
		return e
	}
	env.ID, env.RawID = s, m.Raw
	return nil
}

func checkID(s string) *status.Error {
	if n := utf8.RuneCountInString(s); n < 1 || n > maxIDLength {
		return status.Newf(codes.InvalidArgument, "envelope: id must be 1 to %d characters, got %d", maxIDLength, n)
	}
	return nil
}

func (env *Envelope) setKey(typ, ver *jsonparse.Member) *status.Error {
	if typ == nil {
		return status.New(codes.InvalidArgument, "envelope: type is missing")
	}
	t, ok := typ.Value.(string)
	if !ok || !event.ValidType(t) {
		return errType()
	}
	if ver == nil {
		return status.New(codes.InvalidArgument, "envelope: version is missing")
	}
	v, ok := event.ParseVersionLiteral(ver.Raw)
	if !ok {
		return errVersion()
	}
	env.Key = event.Key{Type: t, Version: v}
	return nil
}

// The rules' refusals that carry no detail of the frame, shared by Decode
// and FromParts so that both say the same thing. Each call is a new value:
// an error may be changed by whoever receives it.
func errType() *status.Error {
	return status.New(codes.InvalidArgument, "envelope: type must be a string matching "+event.TypePattern)
}

func errVersion() *status.Error {
	return status.New(codes.InvalidArgument, "envelope: version must be an integer >= 1")
}

func errNoData() *status.Error { return status.New(codes.InvalidArgument, "envelope: data is missing") }

// ErrData is the refusal of data that breaks jsonparse's rules, in the
// same words whoever finds it: FromParts for an event that came as parts,
// validate's Judge for the data of a JSON frame.
func ErrData(err error) *status.Error {
	return status.New(codes.InvalidArgument, "data is not valid JSON: "+err.Error())
}

// FromParts applies the contract's rules to an envelope that arrived as
// separate fields (a gRPC Event) rather than as one JSON object, with the
// same words as Decode: the same event is refused alike by every door.
// The data must be one JSON value under jsonparse's rules, whitespace
// around it dropped as Decode drops it; empty data is missing data. RawID
// stays nil: such an envelope has no JSON form.
func FromParts(id, typ string, version uint64, data []byte, maxDepth int) (Envelope, *status.Error) {
	var env Envelope
	env.ID = id
	if e := checkID(id); e != nil {
		return env, e
	}
	if !event.ValidType(typ) {
		return env, errType()
	}
	if version < 1 || version > event.MaxVersion {
		return env, errVersion()
	}
	env.Key = event.Key{Type: typ, Version: int(version)}
	// Decode's data never has the whitespace around it; neither has this.
	data = bytes.Trim(data, " \t\r\n")
	if len(data) == 0 {
		return env, errNoData()
	}
	if err := jsonparse.Valid(data, maxDepth); err != nil {
		return env, ErrData(err)
	}
	env.Raw = data
	return env, nil
}
