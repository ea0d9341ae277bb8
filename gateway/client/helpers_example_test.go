package client_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
	"github.com/schemagate/schemagate/internal/ws"
)

type exampleGateway struct {
	*httptest.Server
	wsURL string
}

// newExampleGateway serves the repo's schemas with the echo handler.
func newExampleGateway() *exampleGateway {
	reg, err := validate.Load(validate.Options{Dir: "../../schemas", AssertFormat: true})
	if err != nil {
		panic(err)
	}
	b := pipeline.NewBuilder(reg)
	pipeline.Register(b, event.Key{Type: "echo", Version: 1}, events.Echo)
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		panic(err)
	}
	w := ws.New(p, ws.Options{ReadLimit: 1 << 20, SendQueueBytes: 4 << 20, MaxInflightBytes: 64 << 20, WriteTimeout: 5 * time.Second, PongTimeout: time.Minute,
		PingInterval: 30 * time.Second, HandshakeTimeout: 5 * time.Second, MaxConnections: 10})
	api, err := httpapi.New(p, reg, httpapi.Options{MaxBody: 1 << 20, MaxBatch: 10, RequestTimeout: 5 * time.Second,
		WebSocket: httpapi.WebSocketRoutes{Paths: map[string]http.Handler{"/ws": w.Handler()}}})
	if err != nil {
		panic(err)
	}
	s := httptest.NewServer(api)
	return &exampleGateway{Server: s, wsURL: "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"}
}
