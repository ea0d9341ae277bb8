package ws

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

// TestContract drives every row of shared/bench/CONTRACT.md through a real
// connection.
func TestContract(t *testing.T) {
	ts := newTestServer(t, testOptions())
	c := ts.dial(t, "/ws", nil)
	person := `"data":{"name":"John","age":30,"city":"New York"}`
	cases := []struct {
		name    string
		frame   string
		id      string // "" means the reply id must be null
		code    codes.Code
		details []string // instanceLocation|keywordLocation
		result  string
	}{
		{"accepted", `{"id":"c-1","type":"person","version":1,` + person + `}`, "c-1", codes.OK, nil, ""},
		{"member order is free", `{` + person + `,"version":1,"type":"person","id":"c-2"}`, "c-2", codes.OK, nil, ""},
		{"unknown members are ignored", `{"id":"c-3","type":"person","version":1,"trace":"x",` + person + `}`, "c-3", codes.OK, nil, ""},
		{"data invalid", `{"id":"c-4","type":"person","version":1,"data":{"name":"John","age":-1,"city":"New York"}}`, "c-4",
			codes.InvalidArgument, []string{"/age|/properties/age/minimum"}, ""},
		{"data missing members", `{"id":"c-5","type":"person","version":1,"data":{}}`, "c-5", codes.InvalidArgument, []string{"|/required"}, ""},
		{"no schema", `{"id":"c-6","type":"person","version":9,` + person + `}`, "c-6", codes.NotFound, nil, ""},
		{"unknown type", `{"id":"c-7","type":"nope","version":1,"data":1}`, "c-7", codes.NotFound, nil, ""},
		{"echo", `{"id":"c-8","type":"echo","version":1,"data":{"big":123456789012345678901234567890,"s":"\u00e9"}}`, "c-8", codes.OK, nil,
			`{"big":123456789012345678901234567890,"s":"\u00e9"}`},
		{"not JSON", `hello`, "", codes.InvalidArgument, nil, ""},
		{"truncated JSON", `{"id":"c-9",`, "", codes.InvalidArgument, nil, ""},
		{"not an object", `[1,2]`, "", codes.InvalidArgument, nil, ""},
		{"a string", `"c-10"`, "", codes.InvalidArgument, nil, ""},
		{"id missing", `{"type":"person","version":1,` + person + `}`, "", codes.InvalidArgument, nil, ""},
		{"id empty", `{"id":"","type":"person","version":1,` + person + `}`, "", codes.InvalidArgument, nil, ""},
		{"id too long", `{"id":"` + strings.Repeat("x", 129) + `","type":"person","version":1,` + person + `}`, "", codes.InvalidArgument, nil, ""},
		{"id of 128 characters", `{"id":"` + strings.Repeat("é", 128) + `","type":"echo","version":1,"data":1}`, strings.Repeat("é", 128), codes.OK, nil, "1"},
		{"id a number", `{"id":17,"type":"person","version":1,` + person + `}`, "", codes.InvalidArgument, nil, ""},
		{"type missing", `{"id":"c-11","version":1,` + person + `}`, "c-11", codes.InvalidArgument, nil, ""},
		{"type upper case", `{"id":"c-12","type":"Person","version":1,` + person + `}`, "c-12", codes.InvalidArgument, nil, ""},
		{"type traversal", `{"id":"c-13","type":"../x","version":1,"data":1}`, "c-13", codes.InvalidArgument, nil, ""},
		{"type shared folder", `{"id":"c-14","type":"_defs","version":1,"data":1}`, "c-14", codes.InvalidArgument, nil, ""},
		{"type absolute path", `{"id":"c-15","type":"/etc/passwd","version":1,"data":1}`, "c-15", codes.InvalidArgument, nil, ""},
		{"version missing", `{"id":"c-16","type":"person",` + person + `}`, "c-16", codes.InvalidArgument, nil, ""},
		{"version zero", `{"id":"c-17","type":"person","version":0,` + person + `}`, "c-17", codes.InvalidArgument, nil, ""},
		{"version a string", `{"id":"c-18","type":"person","version":"1",` + person + `}`, "c-18", codes.InvalidArgument, nil, ""},
		{"version fractional", `{"id":"c-19","type":"person","version":1.5,` + person + `}`, "c-19", codes.InvalidArgument, nil, ""},
		{"version negative", `{"id":"c-20","type":"person","version":-1,` + person + `}`, "c-20", codes.InvalidArgument, nil, ""},
		{"version huge", `{"id":"c-21","type":"person","version":18446744073709551617,` + person + `}`, "c-21", codes.InvalidArgument, nil, ""},
		{"data missing", `{"id":"c-22","type":"person","version":1}`, "c-22", codes.InvalidArgument, nil, ""},
		{"data null is data", `{"id":"c-23","type":"echo","version":1,"data":null}`, "c-23", codes.OK, nil, "null"},
		{"duplicate envelope key", `{"id":"c-24","id":"c-25","type":"person","version":1,` + person + `}`, "", codes.InvalidArgument, nil, ""},
		{"duplicate data key", `{"id":"c-26","type":"person","version":1,"data":{"name":"a","name":"b","age":1,"city":"x"}}`, "", codes.InvalidArgument, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, raw := roundTrip(t, c, tc.frame)
			if (tc.id == "") != (r.ID == nil) || (r.ID != nil && *r.ID != tc.id) {
				t.Fatalf("id: got reply %s, want id %q", raw, tc.id)
			}
			if got := codeOf(r); got != tc.code || r.OK != (tc.code == codes.OK) {
				t.Fatalf("got %s, want code %d", raw, tc.code)
			}
			if r.Error != nil && (r.Error.Message == "" || r.Error.Status() != strings.ToUpper(r.Error.Status())) {
				t.Fatalf("error lacks a message: %s", raw)
			}
			if !strings.Contains(raw, `"status":"`) && tc.code != codes.OK {
				t.Fatalf("error lacks its status name: %s", raw)
			}
			var got []string
			if r.Error != nil {
				for _, d := range r.Error.Details {
					got = append(got, d.InstanceLocation+"|"+d.KeywordLocation)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.details, ",") {
				t.Fatalf("details = %v, want %v (%s)", got, tc.details, raw)
			}
			if tc.result != "" && string(r.Result) != tc.result {
				t.Fatalf("result = %s, want %s", r.Result, tc.result)
			}
		})
	}
	if n := ts.sink.count(); n != 3 {
		t.Fatalf("sink has %d events, want the 3 accepted persons", n)
	}
}

func TestBareRoutes(t *testing.T) {
	ts := newTestServer(t, testOptions())
	echo := ts.dial(t, "/echo", nil)
	if _, raw := roundTrip(t, echo, "Hello, server!"); raw != "Hello, server!" {
		t.Fatalf("raw echo = %q", raw)
	}
	if _, raw := roundTrip(t, echo, `{"a": [1, 2.50]}`); raw != `{"a": [1, 2.50]}` {
		t.Fatalf("JSON echo = %q", raw)
	}
	person := ts.dial(t, "/person", nil)
	if _, raw := roundTrip(t, person, `{"name":"John","age":30,"city":"New York"}`); raw != `{"ok":true}` {
		t.Fatalf("bare person = %s", raw)
	}
	r, raw := roundTrip(t, person, `{"name":"John","age":"30","city":"New York"}`)
	if r.OK || r.ID != nil || strings.Contains(raw, `"id"`) || codeOf(r) != codes.InvalidArgument {
		t.Fatalf("bare invalid person = %s", raw)
	}
	if _, raw := roundTrip(t, person, `Hello`); !strings.Contains(raw, `"code":3`) {
		t.Fatalf("bare non-JSON on a non-raw route = %s", raw)
	}
}

func TestUnavailableIsNeverAcked(t *testing.T) {
	ts := newTestServer(t, testOptions())
	c := ts.dial(t, "/ws", nil)
	ts.sink.mu.Lock()
	ts.sink.fail = true
	ts.sink.mu.Unlock()
	r, raw := roundTrip(t, c, `{"id":"u-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`)
	if r.OK || codeOf(r) != codes.Unavailable {
		t.Fatalf("got %s, want UNAVAILABLE", raw)
	}
	ts.sink.mu.Lock()
	ts.sink.fail = false
	ts.sink.mu.Unlock()
	if r, raw := roundTrip(t, c, `{"id":"u-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`); !r.OK {
		t.Fatalf("retry got %s", raw)
	}
}
