package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/schemagate/schemagate/gateway"
	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/internal/events"
)

// Embedding the gateway with a typed handler of your own, and sending to
// it with the client. events.PersonV1 is what `schemagate gen go` wrote
// for schemas/person/v1.json; your own generated package takes its place.
func Example() {
	cfg := gateway.DefaultConfig() // or gateway.LoadConfig(...), as schemagate serve does
	cfg.Schemas.Dir = "../schemas"
	cfg.GRPC.Listen = "" // no gRPC door in this example
	g := gateway.New(cfg, gateway.Options{Stderr: io.Discard})
	gateway.Handle(g, func(_ context.Context, ev gateway.Event[events.PersonV1]) (any, error) {
		return fmt.Sprintf("%s, %d, %s", ev.Data.Name, ev.Data.Age, ev.Data.City), nil
	})

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- g.Serve(ctx, ln) }() // g.Run(ctx) listens on cfg.Listen

	c, _ := client.New("ws://"+ln.Addr().String()+"/ws", client.Options{})
	r, err := c.Send(context.Background(), events.PersonV1{Name: "John", Age: 30, City: "New York"})
	fmt.Println(string(r.Result), err)
	c.Close()
	stop()
	fmt.Println(<-done)
	// Output:
	// "John, 30, New York" <nil>
	// <nil>
}
