package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
)

const (
	john    = `{"name":"John","age":30,"city":"New York"}`
	badJohn = `{"name":"John","age":-1,"city":"New York"}`
)

func envelope(id, typ string, version int, data string) string {
	return fmt.Sprintf(`{"id":%q,"type":%q,"version":%d,"data":%s}`, id, typ, version, data)
}

// TestStatusMapping covers every HTTP status the event routes answer with.
// want is the exact body when set; otherwise code is the error's code and
// id the reply's id ("" for null).
func TestStatusMapping(t *testing.T) {
	f := newFixture(t, nil)
	const js = "application/json"
	huge := envelope("big", "echo", 1, `"`+strings.Repeat("x", testMaxBody)+`"`)
	cases := []struct {
		name, path, ctype, body string
		status                  int
		want                    string
		code                    codes.Code
		id                      string
	}{
		{"accepted", "/v1/events", js, envelope("a", "person", 1, john), 200, `{"id":"a","ok":true}`, 0, ""},
		{"echo result", "/v1/events", js, envelope("e", "echo", 1, `{"b":[1,2.50]}`), 200, `{"id":"e","ok":true,"result":{"b":[1,2.50]}}`, 0, ""},
		{"no content type", "/v1/events", "-", envelope("a", "person", 1, john), 415, "", codes.InvalidArgument, ""},
		{"utf-8 charset", "/v1/events", "application/json; charset=UTF-8", envelope("a", "person", 1, john), 200, `{"id":"a","ok":true}`, 0, ""},
		{"invalid data", "/v1/events", js, envelope("b", "person", 1, badJohn), 400, "", codes.InvalidArgument, "b"},
		{"malformed JSON", "/v1/events", js, `{"id":"c","type":`, 400, "", codes.InvalidArgument, ""},
		{"scalar", "/v1/events", js, `42`, 400, "", codes.InvalidArgument, ""},
		{"not JSON", "/v1/events", js, `hello`, 400, "", codes.InvalidArgument, ""},
		{"empty body", "/v1/events", js, "  \n", 400, "", codes.InvalidArgument, ""},
		{"duplicate key", "/v1/events", js, `{"id":"d","id":"e","type":"echo","version":1,"data":1}`, 400, "", codes.InvalidArgument, ""},
		{"unknown schema", "/v1/events", js, envelope("u", "person", 9, john), 404, "", codes.NotFound, "u"},
		{"action unavailable", "/v1/events", js, envelope("f", "flaky", 1, `{}`), 503, "", codes.Unavailable, "f"},
		{"request timeout", "/v1/events", js, envelope("s", "slow", 1, `{}`), 503, "", codes.Unavailable, "s"},
		{"too large", "/v1/events", js, huge, 413, "", codes.ResourceExhausted, ""},
		{"wrong media type", "/v1/events", "text/plain", envelope("a", "person", 1, john), 415, "", codes.InvalidArgument, ""},
		{"wrong charset", "/v1/events", "application/json; charset=latin1", envelope("a", "person", 1, john), 415, "", codes.InvalidArgument, ""},
		{"form post", "/v1/events", "application/x-www-form-urlencoded", "a=b", 415, "", codes.InvalidArgument, ""},
		{"text post (a browser's no-cors fetch)", "/v1/events", "text/plain;charset=UTF-8", envelope("a", "person", 1, john), 415, "", codes.InvalidArgument, ""},

		{"bare accepted", "/v1/events/person/v1", js, john, 200, `{"ok":true}`, 0, ""},
		{"bare echo is the data", "/v1/events/echo/v1", js, `[1, "two"]`, 200, `[1, "two"]`, 0, ""},
		{"bare invalid", "/v1/events/person/v1", js, badJohn, 400, "", codes.InvalidArgument, ""},
		{"bare not JSON", "/v1/events/echo/v1", js, `Hello, server!`, 400, "", codes.InvalidArgument, ""},
		{"bare unknown schema", "/v1/events/nobody/v1", js, `{}`, 404, "", codes.NotFound, ""},
		{"bare version without v", "/v1/events/person/1", js, john, 404, "", codes.NotFound, ""},
		{"bare version with leading zero", "/v1/events/person/v01", js, john, 404, "", codes.NotFound, ""},
		{"bare bad type", "/v1/events/Person/v1", js, john, 404, "", codes.NotFound, ""},
		{"bare unavailable", "/v1/events/flaky/v1", js, `{}`, 503, "", codes.Unavailable, ""},
		{"bare too large", "/v1/events/echo/v1", js, `"` + strings.Repeat("x", testMaxBody) + `"`, 413, "", codes.ResourceExhausted, ""},
		{"bare wrong media type", "/v1/events/echo/v1", "text/plain", `1`, 415, "", codes.InvalidArgument, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.request(t, http.MethodPost, c.path, c.ctype, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %s", r.status, c.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if c.want != "" {
				if r.body != c.want {
					t.Fatalf("body %s, want %s", r.body, c.want)
				}
				return
			}
			got := decodeReply(t, r.body)
			if got.OK || got.Error == nil || got.Error.Code != c.code {
				t.Fatalf("want code %s, got %s", c.code, r.body)
			}
			if id := deref(got.ID); id != c.id {
				t.Fatalf("id %q, want %q in %s", id, c.id, r.body)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestInvalidDataCarriesReport(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request(t, http.MethodPost, "/v1/events", "application/json", envelope("r", "person", 1, badJohn))
	got := decodeReply(t, r.body)
	if got.Error == nil || len(got.Error.Details) != 1 || got.Error.Details[0].InstanceLocation != "/age" {
		t.Fatalf("want one violation at /age, got %s", r.body)
	}
	if !strings.Contains(r.body, `"status":"INVALID_ARGUMENT"`) {
		t.Fatalf("error lacks its status name: %s", r.body)
	}
}

func TestBatch(t *testing.T) {
	f := newFixture(t, nil)
	ok1, ok2 := envelope("1", "person", 1, john), envelope("2", "echo", 1, `"hi"`)
	cases := []struct {
		name, body string
		status     int
		want       string // exact body, or "" for an error body
		code       codes.Code
	}{
		{"all accepted", "[" + ok1 + ", " + ok2 + "]", 200,
			`[{"id":"1","ok":true},{"id":"2","ok":true,"result":"hi"}]`, 0},
		{"whitespace before [", " \n[" + ok1 + "]", 200, `[{"id":"1","ok":true}]`, 0},
		{"empty", "[]", 400, "", codes.InvalidArgument},
		{"over MaxBatch", "[" + strings.Repeat(ok1+",", testMaxBatch) + ok1 + "]", 413, "", codes.ResourceExhausted},
		{"unterminated", "[" + ok1 + ",", 400, "", codes.InvalidArgument},
		{"broken element", "[" + ok1 + `, {"id":]`, 400, "", codes.InvalidArgument},
		{"data after ]", "[" + ok1 + "] x", 400, "", codes.InvalidArgument},
		{"second array", "[" + ok1 + "][]", 400, "", codes.InvalidArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.request(t, http.MethodPost, "/v1/events", "application/json", c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %s", r.status, c.status, r.body)
			}
			if c.want == "" {
				checkError(t, r.body, c.code)
			} else if r.body != c.want {
				t.Fatalf("body %s, want %s", r.body, c.want)
			}
		})
	}
}

func TestBatchPartialFailureIsMultiStatusInOrder(t *testing.T) {
	f := newFixture(t, nil)
	body := "[" + strings.Join([]string{
		envelope("1", "person", 1, john),
		envelope("2", "person", 1, badJohn),
		`17`,
	}, ",") + "]"
	r := f.request(t, http.MethodPost, "/v1/events", "application/json", body)
	if r.status != http.StatusMultiStatus {
		t.Fatalf("status %d, want 207; %s", r.status, r.body)
	}
	var replies []reply
	if err := json.Unmarshal([]byte(r.body), &replies); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	if len(replies) != 3 {
		t.Fatalf("want 3 replies, got %s", r.body)
	}
	want := []struct {
		id   string
		ok   bool
		code codes.Code
	}{{"1", true, codes.OK}, {"2", false, codes.InvalidArgument}, {"", false, codes.InvalidArgument}}
	for i, w := range want {
		got := replies[i]
		code := codes.OK
		if got.Error != nil {
			code = got.Error.Code
		}
		if deref(got.ID) != w.id || got.OK != w.ok || code != w.code {
			t.Errorf("reply %d = %+v, want id %q ok %v code %s", i, got, w.id, w.ok, w.code)
		}
	}
}

func TestBatchUnavailableItem(t *testing.T) {
	f := newFixture(t, nil)
	body := "[" + envelope("1", "flaky", 1, `{}`) + "," + envelope("2", "echo", 1, `1`) + "]"
	r := f.request(t, http.MethodPost, "/v1/events", "application/json", body)
	if r.status != http.StatusMultiStatus || !strings.Contains(r.body, `"code":14`) || !strings.HasSuffix(r.body, `{"id":"2","ok":true,"result":1}]`) {
		t.Fatalf("status %d body %s", r.status, r.body)
	}
}

func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				id := fmt.Sprintf("%d-%d", i, j)
				r, err := f.try(http.MethodPost, "/v1/events", "application/json",
					"["+envelope(id, "person", 1, john)+"]")
				if err != nil {
					t.Error(err)
					return
				}
				if want := `[{"id":"` + id + `","ok":true}]`; r.status != 200 || r.body != want {
					t.Errorf("got %d %s, want %s", r.status, r.body, want)
				}
			}
		})
	}
	wg.Wait()
}
