package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/wire"
)

// Sending raw JSON and telling an acceptance from a refusal; a generated
// type goes through c.Send instead, which knows its own key.
func Example() {
	g := newExampleGateway()
	defer g.Close()
	c, err := client.New(g.wsURL, client.Options{})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()
	r, err := c.SendData(ctx, wire.Key{Type: "echo", Version: 1}, "e-1", json.RawMessage(`{"hello":"world"}`))
	fmt.Println(r.ID, string(r.Result), err)
	_, err = c.SendData(ctx, wire.Key{Type: "person", Version: 1}, "p-1", json.RawMessage(`{"name":"John"}`))
	var refused *wire.Error
	if errors.As(err, &refused) {
		fmt.Println(refused.Status, refused.Details[0].Message)
	}
	// Output:
	// e-1 {"hello":"world"} <nil>
	// INVALID_ARGUMENT missing properties: 'age', 'city'
}
