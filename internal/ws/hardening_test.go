package ws

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/testkit"
)

// newHardeningServer is a real gateway over testdata/hardening, whose
// schemas are built to provoke: bounds past 64 bits, an array schema that
// every item breaks, a pattern that is exponential for a backtracking
// engine. Every accepted event but echo lands in the returned sink.
func newHardeningServer(t *testing.T, o Options) *testServer {
	t.Helper()
	return newGateway(t, o, "testdata/hardening", func(b *pipeline.Builder, sink *countingAction) {
		b.DefaultActions(pipeline.NamedAction{Name: "sink", Action: sink})
	})
}

// TestHostileFrames sends, over one real connection, frames built to cost
// the server: each gets its verdict (no close, no crash, no hang), and the
// same connection is served normally afterwards.
func TestHostileFrames(t *testing.T) {
	o := testOptions()
	o.ReadLimit = 16 << 20 // raised so that the 10 MB string is inside it
	// The 10 MB echo is one write that the client reads as it comes: with
	// testOptions' 2 s, a -race client on a loaded machine reading it that
	// slowly was cut off as too slow (1008). Here the write timeout bounds
	// a hang, as slowRoundTrip's wait does; slow clients are tested in
	// slow_test.go.
	o.WriteTimeout = hostileWait
	ts := newHardeningServer(t, o)
	c := ts.dial(t, "/ws", nil)

	const nest = 100_000
	tenMB := strings.Repeat("é", 5<<20) // 10 MiB of UTF-8, two bytes each
	frame := func(id, typ, data string) string {
		return `{"id":"` + id + `","type":"` + typ + `","version":1,"data":` + data + `}`
	}
	cases := []struct {
		name  string
		frame string
		id    string // "" means the reply id must be null
		code  codes.Code
		// result, when set, must be the reply's result byte for byte.
		result string
		// detail, when set, is the keywordLocation of the first detail.
		detail  string
		details int // how many details the report must carry (when code 3 and > 0)
		omitted int
	}{
		{"100,000 nested arrays", frame("d1", "echo", strings.Repeat("[", nest)+strings.Repeat("]", nest)),
			"", codes.InvalidArgument, "", "", 0, 0},
		{"100,000 nested objects, never closed", frame("d2", "echo", strings.Repeat(`{"a":`, nest)),
			"", codes.InvalidArgument, "", "", 0, 0},
		{"nesting at the limit is fine", frame("d3", "echo", strings.Repeat("[", 999)+strings.Repeat("]", 999)),
			"d3", codes.OK, strings.Repeat("[", 999) + strings.Repeat("]", 999), "", 0, 0},
		{"a 10 MB string inside the raised limit", frame("s1", "echo", `"`+tenMB+`"`),
			"s1", codes.OK, `"` + tenMB + `"`, "", 0, 0},
		{"huge numbers echoed digit for digit", frame("n1", "echo", `[18446744073709551616,-99999999999999999999999999999999999999,1e400,1.00000000000000000000000000001,-0.0,5E-400]`),
			"n1", codes.OK, `[18446744073709551616,-99999999999999999999999999999999999999,1e400,1.00000000000000000000000000001,-0.0,5E-400]`, "", 0, 0},
		{"2^64-1 is at the maximum", frame("n2", "big", `{"n":18446744073709551615}`), "n2", codes.OK, "", "", 0, 0},
		{"2^64 is one past the maximum", frame("n3", "big", `{"n":18446744073709551616}`), "n3", codes.InvalidArgument, "", "/properties/n/maximum", 1, 0},
		{"-2^64 is at the minimum", frame("n4", "big", `{"n":-18446744073709551616}`), "n4", codes.OK, "", "", 0, 0},
		{"-2^64-1 is one below the minimum", frame("n5", "big", `{"n":-18446744073709551617}`), "n5", codes.InvalidArgument, "", "/properties/n/minimum", 1, 0},
		{"2^64-1 and a sliver is not an integer", frame("n6", "big", `{"n":18446744073709551615.0000000001}`), "n6", codes.InvalidArgument, "", "", 0, 0},
		{"2^64-1 written with an exponent is an integer", frame("n7", "big", `{"n":1.8446744073709551615e19}`), "n7", codes.OK, "", "", 0, 0},
		{"1e400 is past a maximum of 1e308", frame("n8", "big", `{"x":1e400}`), "n8", codes.InvalidArgument, "", "/properties/x/maximum", 1, 0},
		{"1e308 is at it", frame("n9", "big", `{"x":1e308}`), "n9", codes.OK, "", "", 0, 0},
		// Before jsonparse bounded numbers, the first panicked inside the
		// validator (big.Rat gives up past an exponent of a million) and
		// the second cost seconds of CPU (big.Rat is quadratic in digits).
		{"an exponent big.Rat cannot hold", frame("n10", "big", `{"n":1e9999999}`), "", codes.InvalidArgument, "", "", 0, 0},
		{"a million digits", frame("n11", "big", `{"n":`+strings.Repeat("9", 1_000_000)+`}`), "", codes.InvalidArgument, "", "", 0, 0},
		{"5,000 violations are capped", frame("v1", "many", "["+strings.Repeat("1,", 4999)+"1]"),
			"v1", codes.InvalidArgument, "", "/items/type", config.DefaultMaxDetails, 5000 - config.DefaultMaxDetails},
		{"a catastrophic pattern answers in linear time", frame("r1", "re", `"`+strings.Repeat("a", 100_000)+`b"`),
			"r1", codes.InvalidArgument, "", "/pattern", 1, 0},
		{"the pattern still matches", frame("r2", "re", `"`+strings.Repeat("a", 100_000)+`"`), "r2", codes.OK, "", "", 0, 0},
	}
	acks := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, raw := slowRoundTrip(t, c, tc.frame)
			short := raw
			if len(short) > 300 {
				short = short[:300] + "…"
			}
			if (tc.id == "") != (r.ID == nil) || (r.ID != nil && *r.ID != tc.id) {
				t.Fatalf("id: got %s, want %q", short, tc.id)
			}
			if got := codeOf(r); got != tc.code || r.OK != (tc.code == codes.OK) {
				t.Fatalf("got %s, want code %d", short, tc.code)
			}
			if tc.result != "" && string(r.Result) != tc.result {
				t.Fatalf("result differs from the data sent (%d bytes vs %d)", len(r.Result), len(tc.result))
			}
			if r.Error != nil {
				if tc.details > 0 && len(r.Error.Details) != tc.details {
					t.Fatalf("%d details, want %d: %s", len(r.Error.Details), tc.details, short)
				}
				if tc.detail != "" && (len(r.Error.Details) == 0 || r.Error.Details[0].KeywordLocation != tc.detail) {
					t.Fatalf("first detail is not %s: %s", tc.detail, short)
				}
				if r.Error.Omitted != tc.omitted {
					t.Fatalf("omitted = %d, want %d", r.Error.Omitted, tc.omitted)
				}
			}
			if r.OK {
				acks++ // echo too: the sink is every schema's default action
			}
		})
	}
	// The connection that carried all of it is still served, and every
	// ack is in the sink.
	if r, raw := roundTrip(t, c, frame("last", "big", `{"n":1}`)); !r.OK {
		t.Fatalf("connection not served after the hostile frames: %s", raw)
	}
	if got := ts.sink.count(); got != acks+1 {
		t.Fatalf("sink has %d events, want the %d acknowledged", got, acks+1)
	}
}

// hostileWait bounds a hang of one hostile frame's round trip.
const hostileWait = 60 * time.Second

// slowRoundTrip is roundTrip with room for a 10 MB frame under -race on a
// loaded machine. The time bound is not what proves a catastrophic
// pattern safe: under backtracking, 100,000 characters would not finish in
// any time a test could wait.
func slowRoundTrip(t *testing.T, c *websocket.Conn, frame string) (reply, string) {
	t.Helper()
	msg := testkit.Exchange(t, c, frame, hostileWait)
	var r reply
	if err := json.Unmarshal(msg, &r); err != nil {
		t.Fatalf("reply is not JSON: %v", err)
	}
	return r, string(msg)
}

// TestConnectionLimitFreesSlots fills the server, sees the next upgrade
// refused with 503 while the others are still served, and sees a slot come
// back once a client leaves: a refused or closed connection must not leak
// its reservation.
func TestConnectionLimitFreesSlots(t *testing.T) {
	o := testOptions()
	o.MaxConnections = 2
	ts := newTestServer(t, o)
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"
	a := ts.dial(t, "/ws", nil)
	b := ts.dial(t, "/ws", nil)
	for i := 0; i < 3; i++ { // repeated refusals must not eat slots either
		c, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if c != nil {
			c.Close()
			t.Fatal("a third connection was accepted with max_connections 2")
		}
		if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("third upgrade: %v %v, want 503", resp, err)
		}
	}
	for _, c := range []*websocket.Conn{a, b} {
		if r, raw := roundTrip(t, c, `{"id":"k","type":"echo","version":1,"data":1}`); !r.OK {
			t.Fatalf("a connection within the limit was not served: %s", raw)
		}
	}
	_ = a.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	a.Close()
	waitFor(t, 10*time.Second, func() bool { return ts.ws.Connections() < 2 })
	c := ts.dial(t, "/ws", nil)
	if r, raw := roundTrip(t, c, `{"id":"k2","type":"echo","version":1,"data":2}`); !r.OK {
		t.Fatalf("the freed slot did not serve: %s", raw)
	}
}

// waitFor waits for an outcome on the server's side.
func waitFor(t testing.TB, limit time.Duration, cond func() bool) {
	t.Helper()
	testkit.WaitFor(t, limit, "the outcome", cond)
}
