package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// httpRules lists every google.api.http rule of EventService as
// "VERB path body", additional bindings included.
func httpRules(t *testing.T) map[string]string {
	t.Helper()
	svc := schemagatev1.File_schemagate_v1_event_service_proto.Services().ByName("EventService")
	rules := map[string]string{}
	for i := range svc.Methods().Len() {
		m := svc.Methods().Get(i)
		rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
		if rule == nil {
			t.Errorf("%s has no google.api.http rule", m.Name())
			continue
		}
		for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
			verb, path := "", ""
			switch p := r.GetPattern().(type) {
			case *annotations.HttpRule_Get:
				verb, path = "GET", p.Get
			case *annotations.HttpRule_Post:
				verb, path = "POST", p.Post
			default:
				t.Errorf("%s: a rule this test does not know: %v", m.Name(), r)
			}
			rules[verb+" "+path+" "+r.GetBody()] = string(m.Name())
		}
	}
	return rules
}

// expand fills a rule's path the way the proto's comment says: {version}
// is spelled v<N>.
func expand(path string) string {
	return strings.NewReplacer("{type}", "echo", "{version}", "v1").Replace(path)
}

// Every annotated route answers on the live HTTP API as its rpc answers on
// gRPC: the proto is the one document of the API.
func TestHTTPAnnotationsMatchTheLiveAPI(t *testing.T) {
	addr, c, _ := startGRPCServe(t, grpcConfig(t))
	base := "http://" + addr
	data := `{"n":123456789012345678901234567890,"s":"é"}`
	ev := &schemagatev1.Event{Id: "r-1", Type: "echo", Version: 1, Data: []byte(data)}
	reply, err := c.Publish(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]func(t *testing.T, path string){
		"POST /v1/events *": func(t *testing.T, path string) {
			body := post(t, base+path, envelopeJSON(t, ev))
			want := `{"id":"r-1","ok":true,"result":` + string(reply.GetResult()) + `}`
			if body != want {
				t.Fatalf("HTTP %s\ngRPC %s", body, want)
			}
		},
		"POST /v1/events/{type}/{version} data": func(t *testing.T, path string) {
			// The bare twin answers with the result itself.
			if body := post(t, base+path, ev.GetData()); body != string(reply.GetResult()) {
				t.Fatalf("HTTP %s\ngRPC %s", body, reply.GetResult())
			}
		},
		"GET /ws ": func(t *testing.T, path string) {
			s, err := c.PublishStream(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_ = s.Send(ev)
			r, err := s.Recv()
			if err != nil {
				t.Fatal(err)
			}
			ws := hDial(t, addr, path, nil)
			if err := ws.WriteMessage(websocket.TextMessage, envelopeJSON(t, ev)); err != nil {
				t.Fatal(err)
			}
			_ = ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, msg, err := ws.ReadMessage()
			want := `{"id":"r-1","ok":true,"result":` + string(r.GetResult()) + `}`
			if err != nil || string(msg) != want {
				t.Fatalf("WebSocket %s %v\ngRPC %s", msg, err, want)
			}
		},
		"GET /v1/schemas ": func(t *testing.T, path string) {
			list, err := c.ListSchemas(t.Context(), &schemagatev1.ListSchemasRequest{})
			if err != nil {
				t.Fatal(err)
			}
			g, _ := protojson.MarshalOptions{EmitUnpopulated: true, UseProtoNames: true}.Marshal(list)
			var fromGRPC, fromHTTP any
			_ = json.Unmarshal(g, &fromGRPC)
			if code := getJSON(t, base+path, &fromHTTP); code != 200 || !reflect.DeepEqual(fromGRPC, fromHTTP) {
				t.Fatalf("HTTP %d %v\ngRPC %v", code, fromHTTP, fromGRPC)
			}
		},
		"GET /v1/schemas/{type}/{version} ": func(t *testing.T, path string) {
			s, err := c.GetSchema(t.Context(), &schemagatev1.GetSchemaRequest{Type: "echo", Version: 1})
			if err != nil {
				t.Fatal(err)
			}
			if code, b := httpGet(t, base+path); code != 200 || !bytes.Equal(b, s.GetSchema()) {
				t.Fatalf("HTTP %d %s\ngRPC %s", code, b, s.GetSchema())
			}
		},
	}
	rules := httpRules(t)
	for rule, method := range rules {
		check, ok := checks[rule]
		if !ok {
			t.Errorf("%s: rule %q has no check here; add one", method, rule)
			continue
		}
		t.Run(method+" "+rule, func(t *testing.T) { check(t, expand(strings.Fields(rule)[1])) })
	}
	for rule := range checks {
		if _, ok := rules[rule]; !ok {
			t.Errorf("check %q matches no rule in the proto", rule)
		}
	}
}

// post posts a JSON body to url and returns the reply, failing the test
// unless the status is 200.
func post(t *testing.T, url string, body []byte) string {
	t.Helper()
	code, b := postJSON(t, url, body)
	if code != http.StatusOK {
		t.Fatalf("POST %s: %d %s", url, code, b)
	}
	return b
}

// postJSON posts a JSON body to url and returns the status and the reply.
func postJSON(t *testing.T, url string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	code, b := httpDo(t, req)
	return code, string(b)
}
