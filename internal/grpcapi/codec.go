package grpcapi

import (
	"errors"
	"unicode/utf8"

	"google.golang.org/grpc/encoding"
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// codec is grpc-go's protobuf codec with the stream's two hot messages
// done by hand: an Event decoded without protobuf reflection, a Reply
// without an error encoded likewise, because reflection costs more per
// message than everything else the stream does to it. The bytes are
// protobuf's, and every other message (a Reply with an error, health,
// reflection) goes to grpc-go's codec.
type codec struct{ base encoding.CodecV2 }

func newCodec() codec { return codec{base: encoding.GetCodecV2(grpcproto.Name)} }

func (codec) Name() string { return grpcproto.Name }

func (c codec) Marshal(v any) (mem.BufferSlice, error) {
	r, ok := v.(*schemagatev1.Reply)
	if !ok || r.Error != nil || r.ProtoReflect().GetUnknown() != nil {
		return c.base.Marshal(v)
	}
	n := sizeBytes(1, len(r.Id)) + sizeBytes(3, len(r.Result))
	if r.Ok {
		n += protowire.SizeTag(2) + 1
	}
	b := make([]byte, 0, n)
	b = appendBytes(b, 1, r.Id)
	if r.Ok {
		b = protowire.AppendVarint(protowire.AppendTag(b, 2, protowire.VarintType), 1)
	}
	b = appendBytes(b, 3, r.Result)
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func sizeBytes(num protowire.Number, n int) int {
	if n == 0 {
		return 0
	}
	return protowire.SizeTag(num) + protowire.SizeBytes(n)
}

func appendBytes[T string | []byte](b []byte, num protowire.Number, v T) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendVarint(protowire.AppendTag(b, num, protowire.BytesType), uint64(len(v)))
	return append(b, v...)
}

func (c codec) Unmarshal(data mem.BufferSlice, v any) error {
	ev, ok := v.(*schemagatev1.Event)
	if !ok {
		return c.base.Unmarshal(data, v)
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	return decodeEvent(buf.ReadOnlyData(), ev)
}

// errEvent is what protobuf says of bytes it cannot read as an Event.
var errEvent = errors.New("proto: cannot parse invalid wire-format data")

// decodeEvent reads b into ev as proto.Unmarshal would, but for unknown
// fields, which it skips instead of keeping: id and type must be UTF-8,
// the last of a repeated field wins, and data is a copy (a handler may
// keep it). A field of a known number and another wire type is unknown.
func decodeEvent(b []byte, ev *schemagatev1.Event) error {
	ev.Reset()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || !num.IsValid() {
			return errEvent
		}
		b = b[n:]
		switch {
		case typ == protowire.BytesType && num >= 1 && num <= 4 && num != 3:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errEvent
			}
			if err := setBytes(ev, num, v); err != nil {
				return err
			}
			b = b[n:]
		case typ == protowire.VarintType && num == 3:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return errEvent
			}
			ev.Version = uint32(v)
			b = b[n:]
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errEvent
			}
			b = b[n:]
		}
	}
	return nil
}

func setBytes(ev *schemagatev1.Event, num protowire.Number, v []byte) error {
	if num == 4 {
		ev.Data = append([]byte{}, v...)
		return nil
	}
	if !utf8.Valid(v) {
		return errors.New("proto: string field contains invalid UTF-8")
	}
	if num == 1 {
		ev.Id = string(v)
	} else {
		ev.Type = string(v)
	}
	return nil
}
