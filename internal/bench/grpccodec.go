package bench

import (
	"errors"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// The generator's protobuf, by hand: protobuf-go's reflection and a new
// Reply, strings and all, per reply would cost the generator CPU it takes
// from the server under test on a shared box (as encoding/json would on
// the WebSocket side; see reply.go). An Event is its id field followed by
// the rest, encoded once per workload line; a reply is scanned where it
// lies.

// appendEventTail appends an Event's fields after the id (type 2,
// version 3, data 4), zero values left out, as protobuf does.
func appendEventTail(b []byte, typ string, version uint32, data []byte) []byte {
	if typ != "" {
		b = protowire.AppendString(protowire.AppendTag(b, 2, protowire.BytesType), typ)
	}
	if version != 0 {
		b = protowire.AppendVarint(protowire.AppendTag(b, 3, protowire.VarintType), uint64(version))
	}
	if len(data) > 0 {
		b = protowire.AppendBytes(protowire.AppendTag(b, 4, protowire.BytesType), data)
	}
	return b
}

// appendEvent appends the Event with id and the tail appendEventTail made.
func appendEvent(b, id, tail []byte) []byte {
	if len(id) > 0 {
		b = protowire.AppendBytes(protowire.AppendTag(b, 1, protowire.BytesType), id)
	}
	return append(b, tail...)
}

// wireReply is a schemagate.v1.Reply as the generator reads it: the fields
// scoring needs, id pointing into raw, which the next reply overwrites.
type wireReply struct {
	raw []byte
	reply
}

var errBadReply = errors.New("bench: malformed Reply")

// scan fills the reply from raw: id (1), ok (2), result (3) and, of the
// google.rpc.Status error (4), its code (1) and whether it has details (3).
func (r *wireReply) scan() error {
	r.reply = reply{hasOK: true} // proto3: an absent ok is false
	return eachField(r.raw, func(f field) bool {
		switch {
		case f.is(1, protowire.BytesType):
			r.id = f.b
		case f.is(2, protowire.VarintType):
			r.ok = f.v != 0
		case f.is(3, protowire.BytesType):
			r.hasResult = len(f.b) > 0
		case f.is(4, protowire.BytesType):
			return eachField(f.b, func(f field) bool {
				switch {
				case f.is(1, protowire.VarintType):
					r.code = int(int32(f.v))
				case f.is(3, protowire.BytesType):
					r.details = true
				}
				return true
			}) == nil
		}
		return true
	})
}

// field is one field of a message: v holds a varint's value, b a
// length-delimited one's bytes. A field of the right number but another
// wire type is, as protobuf reads it, an unknown field.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

func (f field) is(num protowire.Number, typ protowire.Type) bool { return f.num == num && f.typ == typ }

// eachField calls fn with each field of the message in b; fn returns false
// to fail the scan.
func eachField(b []byte, fn func(field) bool) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errBadReply
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 || !fn(f) {
			return errBadReply
		}
		b = b[n:]
	}
	return nil
}

// json is the reply as protobuf's JSON, for the report of a reply that was
// scored wrong.
func (r *wireReply) json() []byte {
	var rep schemagatev1.Reply
	if err := proto.Unmarshal(r.raw, &rep); err != nil {
		return append([]byte(nil), r.raw...)
	}
	b, _ := protojson.Marshal(&rep)
	return b
}
