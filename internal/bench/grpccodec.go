package bench

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// wireCodec is the generator's gRPC codec. grpc-go's own marshals through
// protobuf reflection and decodes a new Reply, strings and all, per reply;
// on a box shared with the server under test that CPU is taken from the
// server, as encoding/json would be on the WebSocket side (see reply.go).
// So an Event is encoded by hand and a reply scanned in place into a
// reused wireReply; any other message goes through protobuf. The bytes on
// the wire are protobuf's: the name is "proto".
type wireCodec struct{}

func (wireCodec) Name() string { return "proto" }

func (wireCodec) Marshal(v any) (mem.BufferSlice, error) {
	ev, ok := v.(*schemagatev1.Event)
	if !ok {
		m, ok := v.(proto.Message)
		if !ok {
			return nil, fmt.Errorf("bench: cannot marshal %T", v)
		}
		b, err := proto.Marshal(m)
		return mem.BufferSlice{mem.SliceBuffer(b)}, err
	}
	n := sizeField(1, len(ev.Id)) + sizeField(2, len(ev.Type)) + sizeField(4, len(ev.Data))
	if ev.Version != 0 {
		n += protowire.SizeTag(3) + protowire.SizeVarint(uint64(ev.Version))
	}
	// As grpc-go's codec: a pooled buffer unless the event is small.
	if mem.IsBelowBufferPoolingThreshold(n) {
		return mem.BufferSlice{mem.SliceBuffer(appendEvent(make([]byte, 0, n), ev))}, nil
	}
	buf := mem.DefaultBufferPool().Get(n)
	*buf = appendEvent((*buf)[:0], ev)
	return mem.BufferSlice{mem.NewBuffer(buf, mem.DefaultBufferPool())}, nil
}

// appendEvent appends ev's fields in number order, zero values left out,
// as protobuf does.
func appendEvent(b []byte, ev *schemagatev1.Event) []byte {
	b = appendString(b, 1, ev.Id)
	b = appendString(b, 2, ev.Type)
	if ev.Version != 0 {
		b = protowire.AppendVarint(protowire.AppendTag(b, 3, protowire.VarintType), uint64(ev.Version))
	}
	if len(ev.Data) > 0 {
		b = protowire.AppendBytes(protowire.AppendTag(b, 4, protowire.BytesType), ev.Data)
	}
	return b
}

func sizeField(num protowire.Number, n int) int {
	if n == 0 {
		return 0
	}
	return protowire.SizeTag(num) + protowire.SizeBytes(n)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	return protowire.AppendString(protowire.AppendTag(b, num, protowire.BytesType), s)
}

func (wireCodec) Unmarshal(data mem.BufferSlice, v any) error {
	r, ok := v.(*wireReply)
	if !ok {
		m, ok := v.(proto.Message)
		if !ok {
			return fmt.Errorf("bench: cannot unmarshal into %T", v)
		}
		buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
		defer buf.Free()
		return proto.Unmarshal(buf.ReadOnlyData(), m)
	}
	// grpc-go frees data once this returns: keep a copy, in place.
	r.raw = r.raw[:0]
	for _, b := range data {
		r.raw = append(r.raw, b.ReadOnlyData()...)
	}
	return r.scan()
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
