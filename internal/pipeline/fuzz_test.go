package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// keptIDs is an action that remembers the ids it was given, so that the
// fuzz target can check that every ack is backed by the sink.
type keptIDs struct {
	mu  sync.Mutex
	ids map[string]int
}

func (k *keptIDs) Do(_ context.Context, ev event.Event) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ids[ev.ID]++
	return nil
}

func (k *keptIDs) Close(context.Context) error { return nil }

func (k *keptIDs) take(id string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := k.ids[id]
	delete(k.ids, id)
	return n
}

// shippedPipeline is the pipeline as the shipped configuration wires it:
// the repo's schema tree, the built-in typed handlers (whose Go types must
// take whatever their schemas accept), and a sink on every schema.
func shippedPipeline(t testing.TB) (*pipeline.Pipeline, *keptIDs) {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	for _, register := range events.Builtins(slog.New(slog.DiscardHandler), nil) {
		register(b)
	}
	sink := &keptIDs{ids: map[string]int{}}
	b.DefaultActions(pipeline.NamedAction{Name: "sink", Action: sink})
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p, sink
}

// contractSeeds are the frames of the wire contract's cases (the same as
// internal/ws's TestContract) and the hostile ones of the hardening tests.
var contractSeeds = []string{
	`{"id":"c-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`,
	`{"data":{"name":"John","age":30,"city":"New York"},"version":1,"type":"person","id":"c-2"}`,
	`{"id":"c-3","type":"person","version":1,"trace":"x","data":{"name":"John","age":30,"city":"New York"}}`,
	`{"id":"c-4","type":"person","version":1,"data":{"name":"John","age":-1,"city":"New York"}}`,
	`{"id":"c-5","type":"person","version":1,"data":{}}`,
	`{"id":"c-6","type":"person","version":9,"data":{}}`,
	`{"id":"c-7","type":"nope","version":1,"data":1}`,
	`{"id":"c-8","type":"echo","version":1,"data":{"big":123456789012345678901234567890,"s":"\u00e9"}}`,
	`hello`, `{"id":"c-9",`, `[1,2]`, `"c-10"`, ``, `null`,
	`{"type":"person","version":1,"data":{}}`,
	`{"id":"","type":"person","version":1,"data":{}}`,
	`{"id":"` + strings.Repeat("x", 129) + `","type":"echo","version":1,"data":1}`,
	`{"id":"` + strings.Repeat("é", 128) + `","type":"echo","version":1,"data":1}`,
	`{"id":17,"type":"person","version":1,"data":{}}`,
	`{"id":"c-11","version":1,"data":{}}`,
	`{"id":"c-12","type":"Person","version":1,"data":{}}`,
	`{"id":"c-13","type":"../x","version":1,"data":1}`,
	`{"id":"c-14","type":"_defs","version":1,"data":1}`,
	`{"id":"c-15","type":"/etc/passwd","version":1,"data":1}`,
	`{"id":"c-16","type":"person","data":{}}`,
	`{"id":"c-17","type":"person","version":0,"data":{}}`,
	`{"id":"c-18","type":"person","version":"1","data":{}}`,
	`{"id":"c-19","type":"person","version":1.5,"data":{}}`,
	`{"id":"c-21","type":"person","version":18446744073709551617,"data":{}}`,
	`{"id":"c-22","type":"person","version":1}`,
	`{"id":"c-23","type":"echo","version":1,"data":null}`,
	`{"id":"c-24","id":"c-25","type":"person","version":1,"data":{}}`,
	`{"id":"c-26","type":"person","version":1,"data":{"name":"a","name":"b","age":1,"city":"x"}}`,
	`{"id":"c-27","type":"person","version":2,"data":{"name":"J","age":1,"city":"X","email":"j@example.com"}}`,
	`{"id":"c-28","type":"person","version":2,"data":{"name":"J","age":1,"city":"X","email":"nope"}}`,
	`{"id":"h-1","type":"person","version":1,"data":{"name":"J","age":30.0,"city":"X"}}`,
	`{"id":"h-2","type":"person","version":1,"data":{"name":"J","age":1e9999999,"city":"X"}}`,
	`{"id":"h-3","type":"echo","version":1,"data":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}`,
	`{"id":"\ud83d\ude00","type":"echo","version":1,"data":"\ud800"}`,
	"{\"id\":\"h-4\",\"type\":\"echo\",\"version\":1,\"data\":\"\xff\"}",
}

// FuzzPipeline runs any frame through the whole pipeline as shipped and
// checks what every client relies on: no panic; one reply that is a JSON
// object of the contract's shape; a code from the contract's set, never
// INTERNAL; the frame's id echoed exactly whenever the frame got past
// envelope decoding; and every ack backed by the sink.
func FuzzPipeline(f *testing.F) {
	for _, s := range contractSeeds {
		f.Add([]byte(s))
	}
	p, sink := shippedPipeline(f)
	f.Fuzz(checkFrame(p, sink, schemaOracle(f, "../../schemas")))
}

// FuzzPipelineBench is FuzzPipeline over the shared benchmark's schema
// tree (formats, patterns, $refs, arrays of objects), wired as
// configs/bench.yaml wires it, seeded with the benchmark's workloads.
func FuzzPipelineBench(f *testing.F) {
	sink := &keptIDs{ids: map[string]int{}}
	p := benchPipeline(f, func(b *pipeline.Builder) {
		pipeline.Register(b, event.Key{Type: "echo", Version: 1}, events.Echo)
		b.DefaultActions(pipeline.NamedAction{Name: "sink", Action: sink})
	})
	for _, w := range []string{"person-valid", "order-valid", "mixed-10pct-invalid", "echo-small"} {
		for _, frame := range workloadFrames(f, w, 20) {
			f.Add(frame)
		}
	}
	f.Fuzz(checkFrame(p, sink, schemaOracle(f, benchSchemas)))
}

// benchSchemas is the shared benchmark's schema tree.
const benchSchemas = testkit.SharedBench + "/schemas"

// benchPipeline is a pipeline over benchSchemas, loaded as
// configs/bench.yaml loads them, with what wire registers; the test skips
// where ../shared is absent.
func benchPipeline(tb testing.TB, wire func(*pipeline.Builder)) *pipeline.Pipeline {
	tb.Helper()
	if _, err := os.Stat(benchSchemas); err != nil {
		tb.Skipf("shared bench schemas not available (../shared absent?): %v", err)
	}
	reg, err := validate.Load(validate.Options{Dir: benchSchemas, AssertFormat: true})
	if err != nil {
		tb.Fatal(err)
	}
	b := pipeline.NewBuilder(reg)
	wire(b)
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// workloadFrames reads up to n lines of a shared workload as envelopes,
// each twice: with the members sorted (data first), and as the load
// generator sends it (id first, data last), which the pipeline reads in
// one pass.
func workloadFrames(t testing.TB, name string, n int) [][]byte {
	t.Helper()
	var out [][]byte
	for i, w := range testkit.Workload(t, name, n) {
		id := "w-" + strconv.Itoa(i)
		out = append(out, w.Envelope(t, id), w.Sent(id))
	}
	return out
}

// checkFrame is the fuzz body: it runs a frame through p and checks what
// every client relies on.
func checkFrame(p *pipeline.Pipeline, sink *keptIDs, oracle map[string]*jsonschema.Schema) func(*testing.T, []byte) {
	return func(t *testing.T, frame []byte) {
		out := p.Envelope(context.Background(), frame, time.Now(), nil)
		r := checkReply(t, out.Reply)
		checkVerdict(t, oracle, frame, out.Code, out.Reply)
		if r.code != out.Code {
			t.Fatalf("outcome code %v, reply code %v: %s", out.Code, r.code, out.Reply)
		}
		switch out.Code {
		case codes.OK, codes.InvalidArgument, codes.NotFound:
		default:
			t.Fatalf("code %v is not one the contract gives for a frame: %s", out.Code, out.Reply)
		}
		id, idOK := frameID(frame)
		if r.id != nil && (!idOK || *r.id != id) {
			t.Fatalf("reply id %q, but the frame's id is %q (readable %v)", *r.id, id, idOK)
		}
		if out.Code != codes.InvalidArgument && r.id == nil {
			t.Fatalf("a frame that got past decoding was answered without its id: %s", out.Reply)
		}
		if out.Code == codes.OK && sink.take(id) != 1 {
			t.Fatalf("acknowledged %q, but the sink does not hold it once", id)
		}
	}
}

// TestSeedsThroughPipeline runs the seed corpus without -fuzz, so that
// plain `go test` checks the invariants too and pins the verdicts that
// hardening fixed.
func TestSeedsThroughPipeline(t *testing.T) {
	p, _ := shippedPipeline(t)
	oracle := schemaOracle(t, "../../schemas")
	want := map[string]codes.Code{
		// JSON Schema counts 30.0 as an integer; the typed handler's int
		// field must take it (it used to answer INTERNAL).
		"h-1": codes.OK,
		// An exponent big.Rat cannot hold used to panic in the validator.
		"h-2": codes.InvalidArgument,
	}
	for _, s := range contractSeeds {
		out := p.Envelope(context.Background(), []byte(s), time.Now(), nil)
		checkReply(t, out.Reply)
		checkVerdict(t, oracle, []byte(s), out.Code, out.Reply)
		id, _ := frameID([]byte(s))
		if w, ok := want[id]; ok && out.Code != w {
			t.Errorf("%s: got %s, want code %v", s, out.Reply, w)
		}
	}
}

// contractCodes is the contract's table of error codes and their names,
// written out rather than taken from the status package under test.
var contractCodes = map[codes.Code]string{
	codes.InvalidArgument:   "INVALID_ARGUMENT",
	codes.NotFound:          "NOT_FOUND",
	codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.Unavailable:       "UNAVAILABLE",
}

type shape struct {
	id   *string
	code codes.Code
}

// checkReply parses a reply strictly by the contract: an object with an
// id (string or null) and ok; when not ok, an error with a code, its
// status name, a message, and well-formed details.
func checkReply(t *testing.T, reply []byte) shape {
	t.Helper()
	if !utf8.Valid(reply) || !json.Valid(reply) {
		t.Fatalf("reply is not valid JSON: %q", reply)
	}
	var r struct {
		OK     *bool           `json:"ok"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    *int   `json:"code"`
			Status  string `json:"status"`
			Message string `json:"message"`
			Omitted *int   `json:"omitted"`
			Details []struct {
				InstanceLocation *string `json:"instanceLocation"`
				KeywordLocation  *string `json:"keywordLocation"`
				Message          *string `json:"message"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		t.Fatalf("reply is not the contract's object: %v: %s", err, reply)
	}
	var members map[string]json.RawMessage
	_ = json.Unmarshal(reply, &members)
	rawID, hasID := members["id"]
	if !hasID || r.OK == nil {
		t.Fatalf("reply lacks id or ok: %s", reply)
	}
	var s shape
	if string(rawID) != "null" {
		var id string
		if err := json.Unmarshal(rawID, &id); err != nil {
			t.Fatalf("reply id is neither a string nor null: %s", reply)
		}
		s.id = &id
	}
	if *r.OK {
		if r.Error != nil {
			t.Fatalf("ok reply carries an error: %s", reply)
		}
		return s
	}
	e := r.Error
	if e == nil || e.Code == nil || e.Message == "" || r.Result != nil {
		t.Fatalf("error reply lacks code or message: %s", reply)
	}
	s.code = codes.Code(*e.Code)
	if name, ok := contractCodes[s.code]; !ok || e.Status != name {
		t.Fatalf("code %d with status %q is not in the contract's table: %s", *e.Code, e.Status, reply)
	}
	for _, d := range e.Details {
		if d.InstanceLocation == nil || d.KeywordLocation == nil || d.Message == nil {
			t.Fatalf("detail lacks a field: %s", reply)
		}
	}
	if e.Omitted != nil && (*e.Omitted < 0 || len(e.Details) == 0) {
		t.Fatalf("omitted %d without details: %s", *e.Omitted, reply)
	}
	return s
}

// frameID reads the frame's id the way the contract defines it, with
// encoding/json rather than the gateway's parser: a string of 1 to 128
// characters in a frame that is one JSON object.
func frameID(frame []byte) (string, bool) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(frame, &env); err != nil {
		return "", false
	}
	raw, ok := env["id"]
	if !ok {
		return "", false
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return "", false
	}
	if n := utf8.RuneCountInString(id); n < 1 || n > 128 {
		return "", false
	}
	return id, true
}

// schemaOracle compiles every schema of the tree at dir with
// jsonschema/v5 alone, keyed "type/vN": the reference the pipeline's
// verdicts (its fast path included) must match.
func schemaOracle(t testing.TB, dir string) map[string]*jsonschema.Schema {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: dir, AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, sc := range reg.Schemas() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		s, err := c.Compile(filepath.Join(dir, sc.Path))
		if err != nil {
			t.Fatal(err)
		}
		out[sc.Key.Type+"/v"+strconv.Itoa(sc.Key.Version)] = s
	}
	return out
}

// checkVerdict compares an ack, or a rejection of the data, with the
// oracle's verdict on the same data: no wrong verdicts. Frames refused
// before validation (not JSON, envelope rules) are not compared.
func checkVerdict(t *testing.T, oracle map[string]*jsonschema.Schema, frame []byte, code codes.Code, reply []byte) {
	t.Helper()
	dataRejected := code == codes.InvalidArgument && strings.Contains(string(reply), `"message":"data does not match `)
	if code != codes.OK && !dataRejected {
		return
	}
	var env struct {
		Type    string          `json:"type"`
		Version json.Number     `json:"version"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(frame, &env); err != nil {
		t.Fatalf("the pipeline judged the data of a frame encoding/json cannot read (%v): %s", err, reply)
	}
	sch := oracle[env.Type+"/v"+env.Version.String()]
	if sch == nil {
		t.Fatalf("the pipeline judged data of %s v%s, which has no schema: %s", env.Type, env.Version, reply)
	}
	dec := json.NewDecoder(bytes.NewReader(env.Data))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		t.Fatal(err)
	}
	if valid := sch.Validate(data) == nil; valid != (code == codes.OK) {
		t.Fatalf("wrong verdict: the pipeline says %s, jsonschema says valid=%v, for %s", reply, valid, env.Data)
	}
}
