package main

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/examples/orders/events"
	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/gatewaytest"
	"github.com/schemagate/schemagate/gateway/wire"
)

// The example on a real socket: a generated order goes out through the
// client and its receipt, or its refusal, comes back.
func TestOrdersOnASocket(t *testing.T) {
	addr := gatewaytest.Start(t, newGateway(gatewaytest.Config("schemas")))
	c, err := client.New("ws://"+addr+"/ws", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var placedAt wire.DateTime
	_ = placedAt.UnmarshalJSON([]byte(`"2026-11-26T10:00:00Z"`))
	order := events.OrderPlacedV1{
		OrderID: "0ec6eb6b-4cef-47fa-b767-6965a46929f7", PlacedAt: placedAt, Currency: events.OrderPlacedV1CurrencyEUR,
		Lines: []events.OrderPlacedV1Line{{SKU: "ABC-0001", Qty: 3, Price: "0.10"}, {SKU: "XYZ-0002", Qty: 1, Price: "19.99"}},
		Total: "20.29",
	}
	r, err := c.Send(context.Background(), order)
	if err != nil || string(r.Result) != `{"order_id":"0ec6eb6b-4cef-47fa-b767-6965a46929f7","units":4,"total":20.29}` {
		t.Fatalf("receipt: %+v %v", r, err)
	}

	order.Total = "20.30"
	var we *wire.Error
	if _, err := c.Send(context.Background(), order); !errors.As(err, &we) || we.Code != codes.FailedPrecondition {
		t.Fatalf("a wrong total: %v", err)
	}
	order.Lines[0].SKU = "abc"
	if _, err := c.Send(context.Background(), order); !errors.As(err, &we) || we.Code != codes.InvalidArgument ||
		we.Details[0].InstanceLocation != "/lines/0/sku" {
		t.Fatalf("an order its schema refuses: %v", err)
	}
}
