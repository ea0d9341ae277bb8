package grpcapi

import (
	"bytes"
	"testing"

	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// A Reply encoded by hand is protobuf's encoding, byte for byte.
func TestCodecMarshalsRepliesAsProtobuf(t *testing.T) {
	c := newCodec()
	for _, r := range []*schemagatev1.Reply{
		{Id: "3-17", Ok: true},
		{Id: "a", Ok: true, Result: []byte(`{"x":1}`)},
		{Id: "b", Error: &rpcstatus.Status{Code: 3, Message: "m"}},
		{Id: string(bytes.Repeat([]byte("i"), 300))},
		{},
	} {
		got, err := c.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		want, err := proto.MarshalOptions{Deterministic: true}.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Materialize(), want) {
			t.Errorf("%v:\n got %x\nwant %x", r, got.Materialize(), want)
		}
	}
}

func TestCodecDecodesEvents(t *testing.T) {
	ev := &schemagatev1.Event{Id: "3-17", Type: "person", Version: 1, Data: []byte(`{"name":"John"}`)}
	b, err := proto.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	got := &schemagatev1.Event{Id: "stale", Data: []byte("stale")}
	if err := newCodec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(b[:3]), mem.SliceBuffer(b[3:])}, got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, ev) {
		t.Fatalf("got %v, want %v", got, ev)
	}
	// The data is the event's own: the buffer it came in goes back to a pool.
	b[len(b)-2] = 'X'
	if !bytes.Equal(got.Data, ev.Data) {
		t.Fatalf("data aliases the message buffer: %s", got.Data)
	}
}

// Any bytes: where protobuf reads an Event, decodeEvent reads the same one,
// and where protobuf refuses, so does it.
func FuzzDecodeEvent(f *testing.F) {
	for _, ev := range []*schemagatev1.Event{
		{Id: "3-17", Type: "person", Version: 1, Data: []byte(`{"a":1}`)}, {Id: "x"}, {Version: 1 << 31},
	} {
		b, _ := proto.Marshal(ev)
		f.Add(b)
	}
	f.Add([]byte{0x0a, 0x02, 0xff, 0xfe}) // an id that is not UTF-8
	f.Fuzz(func(t *testing.T, b []byte) {
		var want, got schemagatev1.Event
		werr := proto.Unmarshal(b, &want)
		gerr := decodeEvent(b, &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("protobuf: %v, decodeEvent: %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		want.ProtoReflect().SetUnknown(nil) // decodeEvent skips unknown fields
		if !proto.Equal(&got, &want) {
			t.Fatalf("decodeEvent %v, protobuf %v", &got, &want)
		}
	})
}
