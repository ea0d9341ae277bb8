package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

func TestMapping(t *testing.T) {
	cases := []struct {
		code codes.Code
		name string
		http int
		exit int
	}{
		{codes.OK, "OK", 200, 0},
		{codes.InvalidArgument, "INVALID_ARGUMENT", 400, 2},
		{codes.NotFound, "NOT_FOUND", 404, 2},
		{codes.ResourceExhausted, "RESOURCE_EXHAUSTED", 429, 1},
		{codes.Unavailable, "UNAVAILABLE", 503, 1},
		{codes.Unauthenticated, "UNAUTHENTICATED", 401, 1},
		{codes.PermissionDenied, "PERMISSION_DENIED", 403, 1},
		{codes.FailedPrecondition, "FAILED_PRECONDITION", 400, 2},
		{codes.Internal, "INTERNAL", 500, 1},
		{codes.Canceled, "CANCELLED", 499, 1},
	}
	for _, c := range cases {
		e := New(c.code, "m")
		if e.Status() != c.name || HTTPStatus(c.code) != c.http || ExitCode(c.code) != c.exit {
			t.Errorf("%v: got %s/%d/%d, want %s/%d/%d", c.code, e.Status(), HTTPStatus(c.code), ExitCode(c.code), c.name, c.http, c.exit)
		}
	}
}

func TestWireForm(t *testing.T) {
	e := &Error{Code: codes.InvalidArgument, Message: "data does not match person v1",
		Details: []Detail{{InstanceLocation: "/age", KeywordLocation: "/properties/age/minimum", Message: "must be >= 0 but found -1"}},
		Omitted: 3, Cause: errors.New("secret internals")}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"code":3,"status":"INVALID_ARGUMENT","message":"data does not match person v1","details":[{"instanceLocation":"/age","keywordLocation":"/properties/age/minimum","message":"must be \u003e= 0 but found -1"}],"omitted":3}`
	direct, _ := e.MarshalJSON()
	if string(b) != want {
		t.Fatalf("json.Marshal:\n got %s\nwant %s", b, want)
	}
	if string(direct) != `{"code":3,"status":"INVALID_ARGUMENT","message":"data does not match person v1","details":[{"instanceLocation":"/age","keywordLocation":"/properties/age/minimum","message":"must be >= 0 but found -1"}],"omitted":3}` {
		t.Fatalf("MarshalJSON escapes HTML: %s", direct)
	}
	var back Error
	if err := json.Unmarshal(direct, &back); err != nil || back.Code != e.Code || back.Omitted != 3 || len(back.Details) != 1 {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestFrom(t *testing.T) {
	if From(nil) != nil || CodeOf(nil) != codes.OK {
		t.Fatal("nil must stay nil and OK")
	}
	plain := errors.New("disk on fire")
	if e := From(plain); e.Code != codes.Internal || e.Message != "internal error" || !errors.Is(e, plain) {
		t.Fatalf("From(plain) = %+v", e)
	}
	wrapped := Wrap(codes.Unavailable, plain, "sink failed: disk on fire")
	if got := wrapped.Error(); got != "UNAVAILABLE: sink failed: disk on fire" {
		t.Fatalf("Error() repeats the cause: %q", got)
	}
}

func TestWriteHTTP(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteHTTP(rec, 401, New(codes.Unauthenticated, "a bearer token is required"))
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	want := `{"id":null,"ok":false,"error":{"code":16,"status":"UNAUTHENTICATED","message":"a bearer token is required"}}`
	if rec.Body.String() != want {
		t.Fatalf("body = %s\nwant   %s", rec.Body.String(), want)
	}
}

// FuzzAppendJSON holds AppendJSON to encoding/json with HTML escaping
// off, which wrote the wire form before it: the same bytes for any code,
// messages, details and count.
func FuzzAppendJSON(f *testing.F) {
	f.Add(uint32(3), "data does not match person v1", "/age", "/properties/age/minimum", "must be >= 0", 2, 1)
	f.Add(uint32(5), "a\"b\\c\x00\x1f\b\f\n\r\t<&>", "/a~1b", "\u2028\u2029", "\xff\xfe\xc3", 0, 0)
	f.Add(uint32(13), "é日本\U0001F600", "", "", "", -4, 3)
	f.Fuzz(func(t *testing.T, code uint32, msg, inst, kw, dmsg string, omitted, n int) {
		e := &Error{Code: codes.Code(code), Message: msg, Omitted: omitted}
		for i := 0; i < n%4; i++ {
			e.Details = append(e.Details, Detail{InstanceLocation: inst, KeywordLocation: kw, Message: dmsg})
		}
		if n%5 == 4 {
			e.Details = []Detail{} // empty, not nil: left out all the same
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(wire{Code: e.Code, Status: e.Status(), Message: e.Message, Details: e.Details, Omitted: e.Omitted}); err != nil {
			t.Fatal(err)
		}
		if got := e.AppendJSON([]byte("x")); string(got[1:]) != strings.TrimSuffix(want.String(), "\n") || got[0] != 'x' {
			t.Fatalf("AppendJSON:\n%q\nencoding/json:\n%q", got, want.String())
		}
	})
}
