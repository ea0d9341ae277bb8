package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	grpcstatus "google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
)

// grpcListeningRe finds the gRPC door's address in the log.
var grpcListeningRe = regexp.MustCompile(`"msg":"grpc listening","addr":"([^"]+)"`)

// grpcConfig serves the shipped schemas with echo, at most three details
// a report, so that "omitted" shows too.
func grpcConfig(t *testing.T) string {
	return fmt.Sprintf("schemas: {dir: %s, max_details: 3}\nhandlers: [echo/v1]\nactions: {}\nroutes: []\n", repoSchemas(t))
}

// startGRPCServe runs serve with the gRPC door on a free port and returns
// the HTTP address and a client of the gRPC one.
func startGRPCServe(t *testing.T, configYAML string) (string, schemagatev1.EventServiceClient, string) {
	t.Helper()
	addr, logs, _ := startServe(t, configYAML, "--grpc-listen", "127.0.0.1:0")
	cc, door := dialGRPC(t, logs)
	return addr, schemagatev1.NewEventServiceClient(cc), door
}

// grpcAddr reads the gRPC door's address from a serve's log.
func grpcAddr(t *testing.T, logs *testkit.Buffer) string {
	t.Helper()
	m := grpcListeningRe.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no gRPC address in the log:\n%s", logs.String())
	}
	return m[1]
}

// dialGRPC is a plaintext client of the gRPC door a serve's log names,
// closed when the test ends; it returns the door's address too.
func dialGRPC(t *testing.T, logs *testkit.Buffer) (*grpc.ClientConn, string) {
	t.Helper()
	addr := grpcAddr(t, logs)
	cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc, addr
}

// doors sends one event through a door and returns the error it was
// refused with (nil if accepted), as a status.Error, plus the
// google.rpc.BadRequest where the door is gRPC.
type door func(t *testing.T, ev *schemagatev1.Event) (*status.Error, *errdetails.BadRequest)

func envelopeJSON(t *testing.T, ev *schemagatev1.Event) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"id": ev.GetId(), "type": ev.GetType(), "version": ev.GetVersion(),
		"data": json.RawMessage(ev.GetData())})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replyError reads the contract's reply object.
func replyError(t *testing.T, b []byte) *status.Error {
	t.Helper()
	var r struct {
		Error *status.Error `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("reply %s: %v", b, err)
	}
	return r.Error
}

func badRequest(st *grpcstatus.Status) *errdetails.BadRequest {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			return br
		}
	}
	return nil
}

func wsDoor(addr string) door {
	return func(t *testing.T, ev *schemagatev1.Event) (*status.Error, *errdetails.BadRequest) {
		c := hDial(t, addr, "/ws", nil)
		if err := c.WriteMessage(websocket.TextMessage, envelopeJSON(t, ev)); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		return replyError(t, msg), nil
	}
}

func postDoor(addr string) door {
	return func(t *testing.T, ev *schemagatev1.Event) (*status.Error, *errdetails.BadRequest) {
		code, b := postJSON(t, "http://"+addr+"/v1/events", envelopeJSON(t, ev))
		e := replyError(t, []byte(b))
		if e != nil && code != e.HTTPStatus() {
			t.Errorf("HTTP status %d for %v", code, e.Code)
		}
		return e, nil
	}
}

func publishDoor(c schemagatev1.EventServiceClient) door {
	return func(t *testing.T, ev *schemagatev1.Event) (*status.Error, *errdetails.BadRequest) {
		_, err := c.Publish(t.Context(), ev)
		if err == nil {
			return nil, nil
		}
		st := grpcstatus.Convert(err)
		return status.FromProto(st.Proto()), badRequest(st)
	}
}

func streamDoor(c schemagatev1.EventServiceClient) door {
	return func(t *testing.T, ev *schemagatev1.Event) (*status.Error, *errdetails.BadRequest) {
		s, err := c.PublishStream(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = s.CloseSend() }()
		if err := s.Send(ev); err != nil {
			t.Fatal(err)
		}
		r, err := s.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if r.GetError() == nil {
			return nil, nil
		}
		return status.FromProto(r.GetError()), badRequest(grpcstatus.FromProto(r.GetError()))
	}
}

// The same invalid events through /ws, POST /v1/events, Publish and
// PublishStream: the same code, message and violations, entry for entry,
// and on gRPC a BadRequest that says the same.
func TestOneErrorModelAcrossDoors(t *testing.T) {
	addr, c, _ := startGRPCServe(t, grpcConfig(t))
	doors := []struct {
		name string
		send door
	}{{"ws", wsDoor(addr)}, {"http", postDoor(addr)}, {"Publish", publishDoor(c)}, {"PublishStream", streamDoor(c)}}
	events := []*schemagatev1.Event{
		{Id: "bad-1", Type: "person", Version: 1, Data: []byte(`{"name":"","age":-1,"city":"Paris","x":1,"y":2}`)},
		{Id: "bad-2", Type: "person", Version: 1, Data: []byte(`{"name":"Jo"}`)},
		{Id: "bad-3", Type: "person", Version: 2, Data: []byte(`{"name":"Jo","age":3,"city":"X","email":"nope"}`)},
		{Id: "bad-4", Type: "person", Version: 1, Data: []byte(`[1]`)},
		{Id: "bad-5", Type: "person", Version: 7, Data: []byte(`{}`)},
		{Id: "bad-6", Type: "Person", Version: 1, Data: []byte(`{}`)},
		{Id: strings.Repeat("x", 129), Type: "person", Version: 1, Data: []byte(`{}`)},
	}
	for _, ev := range events {
		t.Run(ev.GetId()[:5], func(t *testing.T) {
			want, _ := doors[0].send(t, ev)
			if want == nil {
				t.Fatal("accepted over the WebSocket")
			}
			for _, d := range doors[1:] {
				got, br := d.send(t, ev)
				if got == nil {
					t.Fatalf("%s accepted it", d.name)
				}
				if got.Code != want.Code || got.Message != want.Message || got.Omitted != want.Omitted ||
					!reflect.DeepEqual(got.Details, want.Details) {
					t.Errorf("%s: %+v\nws: %+v", d.name, got, want)
				}
				if br != nil || len(want.Details) > 0 && strings.HasPrefix(d.name, "Publish") {
					checkBadRequest(t, d.name, br, want.Details)
				}
			}
		})
	}
}

func checkBadRequest(t *testing.T, door string, br *errdetails.BadRequest, want []status.Detail) {
	t.Helper()
	if len(br.GetFieldViolations()) != len(want) {
		t.Fatalf("%s: BadRequest %v, want %d entries", door, br, len(want))
	}
	for i, fv := range br.GetFieldViolations() {
		w := want[i]
		if fv.GetField() != w.InstanceLocation || fv.GetDescription() != w.Message || fv.GetReason() != status.Keyword(w.KeywordLocation) {
			t.Errorf("%s: entry %d is %v, want %+v", door, i, fv, w)
		}
	}
}

// /metrics counts each door's frames under its transport label, and the
// gRPC door's calls by method and code.
func TestGRPCMetrics(t *testing.T) {
	addr, c, _ := startGRPCServe(t, grpcConfig(t))
	if _, err := c.Publish(t.Context(), &schemagatev1.Event{Id: "m1", Type: "echo", Version: 1, Data: []byte(`1`)}); err != nil {
		t.Fatal(err)
	}
	_, _ = c.Publish(t.Context(), &schemagatev1.Event{Id: "m2", Type: "person", Version: 1, Data: []byte(`{}`)})
	post(t, "http://"+addr+"/v1/events", []byte(`{"id":"m3","type":"echo","version":1,"data":2}`))
	testkit.HasLines(t, metricsText(t, addr),
		`schemagate_frames_total{code="OK",transport="grpc",type="echo",version="1"} 1`,
		`schemagate_frames_total{code="INVALID_ARGUMENT",transport="grpc",type="person",version="1"} 1`,
		`schemagate_frames_total{code="OK",transport="http",type="echo",version="1"} 1`,
		`schemagate_frames_total{code="OK",transport="ws",type="echo",version="1"} 0`,
		`schemagate_grpc_rpcs_total{code="OK",method="/schemagate.v1.EventService/Publish"} 1`,
		`schemagate_grpc_rpcs_total{code="INVALID_ARGUMENT",method="/schemagate.v1.EventService/Publish"} 1`,
		`schemagate_grpc_rpc_seconds_count{method="/schemagate.v1.EventService/Publish"} 2`,
		`schemagate_grpc_rejected_total{reason="too_big"} 0`,
	)
}
