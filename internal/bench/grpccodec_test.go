package bench

import (
	"bytes"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// The hand-encoded Event is protobuf's encoding, byte for byte.
func TestAppendEventIsProtobuf(t *testing.T) {
	for _, ev := range []*schemagatev1.Event{
		{Id: "3-17", Type: "person", Version: 1, Data: []byte(`{"name":"John"}`)},
		{Type: "order", Version: 300, Data: bytes.Repeat([]byte("x"), 200)},
		{Id: "only-id"},
		{},
	} {
		got := appendEvent(nil, []byte(ev.Id), appendEventTail(nil, ev.Type, ev.Version, ev.Data))
		want, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v:\n got %x\nwant %x", ev, got, want)
		}
	}
}

func TestScanReply(t *testing.T) {
	details, err := anypb.New(&errdetails.BadRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   *schemagatev1.Reply
		want reply
	}{
		{"acked", &schemagatev1.Reply{Id: "3-17", Ok: true}, reply{id: []byte("3-17"), ok: true, hasOK: true}},
		{"echo", &schemagatev1.Reply{Id: "a", Ok: true, Result: []byte(`1`)}, reply{id: []byte("a"), ok: true, hasOK: true, hasResult: true}},
		{"rejected with details", &schemagatev1.Reply{Id: "b", Error: &rpcstatus.Status{Code: 3, Message: "m", Details: []*anypb.Any{details}}},
			reply{id: []byte("b"), hasOK: true, code: 3, details: true}},
		{"rejected", &schemagatev1.Reply{Id: "c", Error: &rpcstatus.Status{Code: 14, Message: "m"}}, reply{id: []byte("c"), hasOK: true, code: 14}},
		{"empty", &schemagatev1.Reply{}, reply{hasOK: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := proto.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			r := wireReply{raw: b}
			if err := r.scan(); err != nil {
				t.Fatal(err)
			}
			if !equalReply(r.reply, tc.want) {
				t.Fatalf("got %+v, want %+v", r.reply, tc.want)
			}
			if !bytes.Contains(r.json(), []byte(`"`+tc.in.GetId()+`"`)) && tc.in.GetId() != "" {
				t.Fatalf("json %s lacks the id", r.json())
			}
		})
	}
}

// The reader scans every reply; it must not allocate.
func TestScanReplyAllocs(t *testing.T) {
	b, err := proto.Marshal(&schemagatev1.Reply{Id: "3-17", Error: &rpcstatus.Status{Code: 3, Details: []*anypb.Any{{TypeUrl: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := wireReply{raw: b}
	if n := testing.AllocsPerRun(100, func() { _ = r.scan() }); n != 0 {
		t.Fatalf("%v allocations per reply", n)
	}
}

// Any bytes: the scan never panics, and where protobuf reads a Reply the
// scan reads the same id, ok, code and result.
func FuzzWireReply(f *testing.F) {
	for _, r := range []*schemagatev1.Reply{
		{Id: "3-17", Ok: true}, {Id: "a", Result: []byte("1")},
		{Id: "b", Error: &rpcstatus.Status{Code: 3, Message: "m", Details: []*anypb.Any{{TypeUrl: "x"}}}},
	} {
		b, _ := proto.Marshal(r)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := wireReply{raw: b}
		err := r.scan()
		var rep schemagatev1.Reply
		if proto.Unmarshal(b, &rep) != nil {
			return
		}
		if err != nil {
			t.Fatalf("protobuf reads %v, the scan fails: %v", &rep, err)
		}
		if string(r.id) != rep.GetId() || r.ok != rep.GetOk() || r.code != int(rep.GetError().GetCode()) ||
			r.hasResult != (len(rep.GetResult()) > 0) {
			t.Fatalf("scan %+v, protobuf %v", r.reply, &rep)
		}
	})
}
