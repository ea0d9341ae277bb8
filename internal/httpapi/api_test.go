package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/validate"
)

// Limits small enough to cross in a test.
const (
	testMaxBody  = 4096
	testMaxBatch = 3
	testTimeout  = 200 * time.Millisecond
)

// failing is an action whose sink is down: a failure a retry may fix.
type failing struct{}

func (failing) Do(context.Context, event.Event) error {
	return status.New(codes.Unavailable, "sink is down")
}
func (failing) Close(context.Context) error { return nil }

// waiting is an action that finishes only when its context does, so it
// proves the request timeout reaches the pipeline.
type waiting struct{}

func (waiting) Do(ctx context.Context, _ event.Event) error {
	<-ctx.Done()
	return status.Wrap(codes.Unavailable, ctx.Err(), "sink timed out")
}
func (waiting) Close(context.Context) error { return nil }

// fixture is a real pipeline over testdata/schemas behind a real server.
type fixture struct {
	srv     *httptest.Server
	api     *httpapi.API
	metrics *telemetry.Metrics
}

// newFixture builds the pipeline the way the server does (echo handler,
// routed actions, metrics as observer) and serves the API; edit adjusts
// the options before New.
func newFixture(t *testing.T, edit func(*httpapi.Options)) *fixture {
	t.Helper()
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	m := telemetry.New(reg.Keys())
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1},
		func(_ context.Context, ev pipeline.Event[json.RawMessage]) ([]byte, error) { return ev.Raw, nil })
	b.Route(pipeline.Route{Key: event.Key{Type: "flaky", Version: 1}, Actions: []pipeline.NamedAction{{Name: "down", Action: failing{}}}})
	b.Route(pipeline.Route{Key: event.Key{Type: "slow", Version: 1}, Actions: []pipeline.NamedAction{{Name: "slow", Action: waiting{}}}})
	p, err := b.Build(pipeline.Options{Observer: m.Transport(telemetry.TransportHTTP)})
	if err != nil {
		t.Fatal(err)
	}
	o := httpapi.Options{MaxBody: testMaxBody, MaxBatch: testMaxBatch, RequestTimeout: testTimeout, Metrics: m.Handler(), Observer: m}
	if edit != nil {
		edit(&o)
	}
	api, err := httpapi.New(p, reg, o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, api: api, metrics: m}
}

// response is what a test looks at.
type response struct {
	status int
	header http.Header
	body   string
}

// request sends one request; contentType "-" sends none. Header holds
// name, value pairs.
func (f *fixture) request(t *testing.T, method, path, contentType, body string, header ...string) response {
	t.Helper()
	r, err := f.try(method, path, contentType, body, header...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// try is request for goroutines, which must not call t.Fatal.
func (f *fixture) try(method, path, contentType, body string, header ...string) (response, error) {
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return response{}, err
	}
	if contentType != "-" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// reply is the pipeline's reply object, as a client decodes it.
type reply struct {
	ID     *string         `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *status.Error   `json:"error"`
}

func decodeReply(t *testing.T, body string) reply {
	t.Helper()
	var r reply
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	return r
}

// checkError asserts the error body: id null, ok false, and the code.
func checkError(t *testing.T, body string, want codes.Code) {
	t.Helper()
	r := decodeReply(t, body)
	if r.OK || r.Error == nil || r.Error.Code != want || r.ID != nil {
		t.Fatalf("want error body with id null and code %s, got %s", want, body)
	}
}
