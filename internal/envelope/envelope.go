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
// duplicate keys anywhere refused, the data checked but left as bytes.
// Errors are INVALID_ARGUMENT; the envelope is returned as far as it was
// read, so that a reply can carry the id whenever the id itself was
// readable. A Decoder that knows the types expected decodes without
// allocating but for the id.
func Decode(frame []byte, maxDepth int) (Envelope, *status.Error) {
	return Decoder{}.Decode(frame, maxDepth)
}

// Decoder decodes frames whose type names it knows without allocating
// them: the type of a frame is one of the strings it was given, shared.
// The zero Decoder knows none and allocates each. It is read-only, so one
// serves every connection.
type Decoder struct {
	types map[string]string
}

// NewDecoder returns a Decoder that knows types.
func NewDecoder(types []string) Decoder {
	d := Decoder{types: make(map[string]string, len(types))}
	for _, t := range types {
		if event.ValidType(t) {
			d.types[t] = t
		}
	}
	return d
}

// field is one envelope member as read: its exact bytes and, for a
// string, its contents between the quotes.
type field struct {
	raw      []byte // nil: the member is absent
	contents []byte
	isString bool
	escaped  bool
	checked  bool // the data, read by a DataChecker as the frame was read
	vouched  bool // and found valid
}

// fields are the envelope's members that the contract names.
type fields struct {
	id, typ, ver, data field
	// key is type and version as knownKey read them for the data's
	// checker, so that apply need not look the type up again; zero when
	// it has not.
	key event.Key
}

// Decode is the package's Decode, with d's type names.
func (d Decoder) Decode(frame []byte, maxDepth int) (Envelope, *status.Error) {
	var f fields
	if !d.scan(frame, maxDepth, nil, &f) {
		// Whatever scan gave up on (an error, escaped or many keys), the
		// whole parser decides and words it, as it always did.
		var err *status.Error
		if f, err = parseMembers(frame, maxDepth); err != nil {
			return Envelope{}, err
		}
	}
	return d.apply(&f, true)
}

// DataChecker vouches for an envelope's data by the schema its key names,
// reading it by jsonparse's rules as it validates (validate.Schema's
// CertainAt).
type DataChecker interface {
	// CertainData reads the value at r's position and reports whether it
	// is certainly well formed and certainly valid for key, returning r
	// past it; false decides nothing. r goes by value because a pointer
	// given to an interface's method escapes: every frame would allocate
	// its reader.
	CertainData(key event.Key, r jsonparse.Reader) (jsonparse.Reader, bool)
}

// Certain is Decode for a frame whose data c vouches for, with the data
// read once: by c as the frame is read, when type and version come before
// it (as the contract's examples, the SDK and the load generator write
// them), or else delimited first and then read by c. When c cannot vouch
// for the data, the rest of the frame is read all the same, the data only
// delimited, so that a refused frame is not read whole a second time.
//
// read means the frame's envelope was read and obeys the contract: Decode
// returns the same envelope if the data is well formed within maxDepth-1
// (and fails if it is not), but for an ID left empty until FillID sets it.
// vouched means the data is well formed and valid too. With read false,
// Decode says what the frame is.
func (d Decoder) Certain(frame []byte, maxDepth int, c DataChecker) (env Envelope, read, vouched bool) {
	if maxDepth < 2 { // the data is one level down and must have a level
		return Envelope{}, false, false
	}
	var f fields
	if !d.scan(frame, maxDepth, c, &f) {
		return Envelope{}, false, false
	}
	env, err := d.apply(&f, false)
	if err != nil {
		return env, false, false
	}
	if !f.data.checked {
		r, ok := c.CertainData(env.Key, jsonparse.NewReader(env.Raw, maxDepth-1))
		return env, true, ok && r.End()
	}
	return env, true, f.data.vouched
}

// apply checks the members the contract names, in its order. Unless
// withID, an id without escapes is left to FillID (see Certain).
func (d Decoder) apply(f *fields, withID bool) (Envelope, *status.Error) {
	var env Envelope
	if e := env.setID(&f.id, withID); e != nil {
		return env, e
	}
	if f.key.Type != "" {
		env.Key = f.key
	} else if e := env.setKey(d, &f.typ, &f.ver); e != nil {
		return env, e
	}
	if f.data.raw == nil {
		return env, errNoData()
	}
	env.Raw = f.data.raw
	return env, nil
}

// parseMembers reads the frame with jsonparse.ParseObject, which finds
// and words every error.
func parseMembers(frame []byte, maxDepth int) (fields, *status.Error) {
	var f fields
	members, err := jsonparse.ParseObject(frame, maxDepth)
	if err != nil {
		if errors.Is(err, jsonparse.ErrNotObject) {
			return f, status.New(codes.InvalidArgument, "frame is not a JSON object")
		}
		return f, status.New(codes.InvalidArgument, "frame is not valid JSON: "+err.Error())
	}
	for i := range members {
		if dst := f.named([]byte(members[i].Key)); dst != nil {
			*dst = fieldOf(members[i].Raw, false, false)
		}
	}
	return f, nil
}

// named is where the member called key goes; nil for the members the
// contract does not name.
func (f *fields) named(key []byte) *field {
	switch string(key) {
	case "id":
		return &f.id
	case "type":
		return &f.typ
	case "version":
		return &f.ver
	case "data":
		return &f.data
	}
	return nil
}

// fieldOf describes a value checked by jsonparse's rules, from its bytes.
func fieldOf(raw []byte, checked, vouched bool) field {
	f := field{raw: raw, checked: checked, vouched: vouched}
	if len(raw) >= 2 && raw[0] == '"' {
		f.isString, f.contents = true, raw[1:len(raw)-1]
		f.escaped = bytes.IndexByte(f.contents, '\\') >= 0
	}
	return f
}

// maxScanned is how many members that the contract does not name scan
// reads; an envelope has none.
const maxScanned = 8

// scan reads the frame into f with a jsonparse.Reader, by the same rules
// as ParseObject but building nothing; with a checker, the data member is
// read by it (f.data.checked) or only delimited (see Certain). False means
// it could not: the frame is not an object with plain keys and at most
// maxScanned members besides the contract's, or it breaks a rule (which
// parseMembers then words). f is filled in place, not returned: a fields
// is a few hundred bytes, and copying it cost more than reading a frame's
// envelope.
func (d Decoder) scan(frame []byte, maxDepth int, c DataChecker, f *fields) bool {
	r := jsonparse.NewReader(frame, maxDepth)
	if r.Peek() != jsonparse.Object {
		return false
	}
	empty, ok := r.Open()
	if !ok || empty {
		return false
	}
	// The contract's members are told apart by name, and repeated ones by
	// having been read already; only the others are compared.
	var others [maxScanned][]byte
	n := 0
	var last *field
	for {
		dst, key, ok := f.readKey(&r, last)
		switch {
		case !ok:
			return false
		case dst == nil:
			if n == maxScanned || repeated(others[:n], key) || !r.Skip() {
				return false
			}
			others[n], n = key, n+1
		case dst.raw != nil || !d.member(&r, frame, f, dst, c):
			return false
		default:
			last = dst
		}
		more, ok := r.NextMember()
		if !ok {
			return false
		}
		if !more {
			return r.End()
		}
	}
}

// readKey reads a member's key for scan: the member the contract names (dst)
// or, for another, the key itself. The contract's member after last, the
// one read before, is tried first by its literal: senders write them in
// the contract's order, and matching that spares scanning and naming it.
// ok is false for a key scan does not read (one with escapes).
func (f *fields) readKey(r *jsonparse.Reader, last *field) (dst *field, key []byte, ok bool) {
	if want, quoted := f.after(last); want != nil && r.KeyIs(quoted) {
		return want, nil, true
	}
	key, escaped, ok := r.Key()
	if !ok || escaped {
		return nil, nil, false
	}
	return f.named(key), key, true
}

// after is the member the contract lists after last (the first when
// last is nil), with its key's literal; nil after the data.
func (f *fields) after(last *field) (*field, string) {
	switch last {
	case nil:
		return &f.id, `"id"`
	case &f.id:
		return &f.typ, `"type"`
	case &f.typ:
		return &f.ver, `"version"`
	case &f.ver:
		return &f.data, `"data"`
	}
	return nil, ""
}

// member reads the value of the member dst names into it: strictly,
// unless it is the data and there is a checker, which reads it when the
// type and version read before it name a key (setting f.data.checked, and
// f.data.vouched when it vouches for it); data it cannot vouch for, or
// cannot read yet, is delimited. A string's contents come from reading it,
// so that nothing scans them again.
func (d Decoder) member(r *jsonparse.Reader, frame []byte, f *fields, dst *field, c DataChecker) bool {
	start := r.Mark().Pos()
	ok := false
	switch {
	case dst == &f.data && c != nil:
		ok = d.data(r, f, c)
	case r.Peek() == jsonparse.String:
		dst.contents, dst.escaped, ok = r.String()
		dst.isString = ok
	default:
		ok = r.Skip()
	}
	if ok { // a failed read leaves the reader anywhere
		dst.raw = frame[start:r.Mark().Pos()]
	}
	return ok
}

// data is member for the data when there is a checker.
func (d Decoder) data(r *jsonparse.Reader, f *fields, c DataChecker) bool {
	key, ok := d.knownKey(&f.typ, &f.ver)
	if !ok {
		return r.Delimit()
	}
	f.key = key
	start := r.Mark()
	f.data.checked = true
	if *r, f.data.vouched = c.CertainData(key, *r); f.data.vouched {
		return true
	}
	r.Reset(start)
	return r.Delimit()
}

// knownKey is the key type and version name, when both are read already
// and the type is one d knows (so that naming it allocates nothing); as
// setKey would read it.
func (d Decoder) knownKey(typ, ver *field) (event.Key, bool) {
	if !typ.isString || typ.escaped || ver.raw == nil {
		return event.Key{}, false
	}
	t, known := d.types[string(typ.contents)]
	v, ok := event.ParseVersionLiteral(ver.raw)
	return event.Key{Type: t, Version: v}, known && ok
}

// repeated says key is among keys.
func repeated(keys [][]byte, key []byte) bool {
	for _, k := range keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	return false
}

func (env *Envelope) setID(m *field, build bool) *status.Error {
	if m.raw == nil {
		return status.New(codes.InvalidArgument, "envelope: id is missing")
	}
	if !m.isString {
		return status.New(codes.InvalidArgument, "envelope: id must be a string")
	}
	// Decoding makes a lone surrogate U+FFFD, so "a\ud800" and "a\udc00"
	// would be one id in the file, the webhook's Idempotency-Key and
	// Nats-Msg-Id while their replies echo two: de-duplication would drop
	// an acknowledged event. Refused, every id is the string sent; the
	// reply still echoes the literal so the client can match it.
	if m.escaped && jsonparse.LoneSurrogate(m.raw) {
		env.RawID = m.raw
		return status.New(codes.InvalidArgument, "envelope: id must be valid Unicode (it escapes a lone surrogate)")
	}
	if !build && !m.escaped {
		// Its contents are the id: counted, not copied (FillID copies).
		if e := checkIDLength(utf8.RuneCount(m.contents)); e != nil {
			return e
		}
		env.RawID = m.raw
		return nil
	}
	s := m.text()
	if e := checkID(s); e != nil {
		return e
	}
	env.ID, env.RawID = s, m.raw
	return nil
}

// FillID sets ID from RawID where Certain left it empty (an id without
// escapes, whose literal's contents are the id): the id's string is the
// one allocation that reading a frame would otherwise make, and only
// whoever reads the event (a handler, an action, a log line) needs it,
// while a reply echoes RawID. It does nothing to any other envelope.
func (env *Envelope) FillID() {
	if env.ID == "" && len(env.RawID) >= 2 {
		env.ID = string(env.RawID[1 : len(env.RawID)-1])
	}
}

// text is a string field's decoded contents.
func (m *field) text() string {
	if m.escaped {
		return string(jsonparse.AppendUnescaped(nil, m.contents))
	}
	return string(m.contents)
}

func checkID(s string) *status.Error { return checkIDLength(utf8.RuneCountInString(s)) }

// checkIDLength checks an id of n characters.
func checkIDLength(n int) *status.Error {
	if n < 1 || n > maxIDLength {
		return status.Newf(codes.InvalidArgument, "envelope: id must be 1 to %d characters, got %d", maxIDLength, n)
	}
	return nil
}

func (env *Envelope) setKey(d Decoder, typ, ver *field) *status.Error {
	if typ.raw == nil {
		return status.New(codes.InvalidArgument, "envelope: type is missing")
	}
	if !typ.isString {
		return errType()
	}
	t, known := d.types[string(typ.contents)]
	if !known || typ.escaped {
		if t = typ.text(); !event.ValidType(t) {
			return errType()
		}
	}
	if ver.raw == nil {
		return status.New(codes.InvalidArgument, "envelope: version is missing")
	}
	v, ok := event.ParseVersionLiteral(ver.raw)
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
