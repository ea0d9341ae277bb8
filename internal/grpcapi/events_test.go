package grpcapi_test

import (
	"errors"
	"io"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/grpcapi"
	"github.com/schemagate/schemagate/internal/status"
)

func TestPublish(t *testing.T) {
	c := newFixture(t, grpcapi.Options{}).client(t)
	cases := []struct {
		name string
		ev   *schemagatev1.Event
		code codes.Code
	}{
		{"valid", newEvent("a", "person", 1, `{"name":"John","age":30,"city":"New York"}`), codes.OK},
		{"invalid data", newEvent("b", "person", 1, `{"name":"John","age":-1,"city":"New York"}`), codes.InvalidArgument},
		{"no schema", newEvent("c", "person", 9, `{}`), codes.NotFound},
		{"bad type", newEvent("d", "Person", 1, `{}`), codes.InvalidArgument},
		{"no version", newEvent("e", "person", 0, `{}`), codes.InvalidArgument},
		{"empty id", newEvent("", "person", 1, `{}`), codes.InvalidArgument},
		{"no data", newEvent("f", "person", 1, ``), codes.InvalidArgument},
		{"data not JSON", newEvent("g", "person", 1, `{"name":`), codes.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Publish(ctxT(t), tc.ev)
			if got := grpcstatus.Code(err); got != tc.code {
				t.Fatalf("code %v (%v), want %v", got, err, tc.code)
			}
			if err == nil && (r.GetId() != tc.ev.GetId() || !r.GetOk() || r.GetError() != nil) {
				t.Fatalf("reply %v", r)
			}
		})
	}
}

// The echo's result is the data byte for byte: no double, no Struct.
func TestPublishKeepsExactNumbers(t *testing.T) {
	c := newFixture(t, grpcapi.Options{}).client(t)
	data := `{"n": 123456789012345678901234567890, "d": 0.10000000000000000000001, "s": "\u00e9"}`
	r, err := c.Publish(ctxT(t), newEvent("x", "echo", 1, data))
	if err != nil {
		t.Fatal(err)
	}
	if string(r.GetResult()) != data {
		t.Fatalf("result %s\nwant   %s", r.GetResult(), data)
	}
}

// A rejection's status carries the report twice: google.rpc.BadRequest for
// any client, and ValidationReport with the keyword locations.
func TestRejectionDetails(t *testing.T) {
	c := newFixture(t, grpcapi.Options{}).client(t)
	_, err := c.Publish(ctxT(t), newEvent("a", "person", 1, `{"name":"","age":-1,"city":"Paris","x":1}`))
	st := grpcstatus.Convert(err)
	if st.Code() != codes.InvalidArgument || st.Message() != "data does not match person v1" {
		t.Fatalf("status %v", st)
	}
	var br *errdetails.BadRequest
	var vr *schemagatev1.ValidationReport
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			br = d
		case *schemagatev1.ValidationReport:
			vr = d
		}
	}
	if br == nil || vr == nil || len(br.GetFieldViolations()) == 0 || len(br.GetFieldViolations()) != len(vr.GetViolations()) {
		t.Fatalf("details %v", st.Details())
	}
	for i, fv := range br.GetFieldViolations() {
		v := vr.GetViolations()[i]
		if fv.GetField() != v.GetInstanceLocation() || fv.GetDescription() != v.GetMessage() ||
			fv.GetReason() != status.Keyword(v.GetKeywordLocation()) || fv.GetReason() == "" {
			t.Errorf("entry %d: %v vs %v", i, fv, v)
		}
	}
	back := status.FromProto(st.Proto())
	if back.Code != codes.InvalidArgument || len(back.Details) != len(vr.GetViolations()) {
		t.Fatalf("FromProto %+v", back)
	}
}

// The stream answers every event in order and goes on past rejections.
func TestPublishStream(t *testing.T) {
	c := newFixture(t, grpcapi.Options{}).client(t)
	s, err := c.PublishStream(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	evs := []*schemagatev1.Event{
		newEvent("1", "person", 1, `{"name":"John","age":30,"city":"New York"}`),
		newEvent("2", "person", 1, `{"name":"John","age":-1,"city":"New York"}`),
		newEvent("3", "nope", 1, `{}`),
		newEvent("4", "echo", 1, `[1,2]`),
		newEvent("5", "person", 1, `{"name":`),
	}
	want := []codes.Code{codes.OK, codes.InvalidArgument, codes.NotFound, codes.OK, codes.InvalidArgument}
	go func() {
		for _, ev := range evs {
			if s.Send(ev) != nil {
				return
			}
		}
		_ = s.CloseSend()
	}()
	for i, ev := range evs {
		r, err := s.Recv()
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		code := codes.Code(r.GetError().GetCode())
		if r.GetId() != ev.GetId() || code != want[i] || r.GetOk() != (want[i] == codes.OK) {
			t.Errorf("reply %d: %v, want id %s code %v", i, r, ev.GetId(), want[i])
		}
	}
	if _, err := s.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last reply: %v, want EOF (status OK)", err)
	}
}

func TestSchemas(t *testing.T) {
	c := newFixture(t, grpcapi.Options{}).client(t)
	list, err := c.ListSchemas(ctxT(t), &schemagatev1.ListSchemasRequest{})
	if err != nil || len(list.GetSchemas()) == 0 {
		t.Fatalf("%v %v", list, err)
	}
	first := list.GetSchemas()[0]
	got, err := c.GetSchema(ctxT(t), &schemagatev1.GetSchemaRequest{Type: first.GetType(), Version: first.GetVersion()})
	if err != nil || len(got.GetSchema()) == 0 {
		t.Fatalf("%v %v", got, err)
	}
	_, err = c.GetSchema(ctxT(t), &schemagatev1.GetSchemaRequest{Type: "nope", Version: 1})
	if grpcstatus.Code(err) != codes.NotFound {
		t.Fatalf("unknown schema: %v", err)
	}
}
