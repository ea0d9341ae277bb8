// Command orders is a gateway with a handler of its own: it accepts
// order.placed v1 events (schemas/order.placed/v1.json) only when their
// total is the exact sum of their lines, and answers with the order's
// figures. Its Go types are generated from its schema:
//
//	go generate ./examples/orders
//	go run ./examples/orders            # listens on 127.0.0.1:8080
//	schemagate send --type order.placed --data '{...}'
package main

//go:generate go run ../../cmd/schemagate gen go --schemas schemas --out events/types_gen.go --package events

import (
	"context"
	"log"
	"math/big"
	"os"
	"os/signal"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/examples/orders/events"
	"github.com/schemagate/schemagate/gateway"
	"github.com/schemagate/schemagate/gateway/wire"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := gateway.LoadConfig(gateway.LoadOptions{Environ: os.Environ(), Set: map[string]string{"schemas.dir": "schemas"}})
	if err != nil {
		log.Fatal(err)
	}
	if err := newGateway(cfg).Run(ctx); err != nil {
		log.Fatal(err)
	}
}

// newGateway is the gateway with the orders handler.
func newGateway(cfg gateway.Config) *gateway.Gateway {
	g := gateway.New(cfg, gateway.Options{})
	gateway.Handle(g, placeOrder)
	return g
}

// receipt is the reply to an accepted order.
type receipt struct {
	OrderID string      `json:"order_id"`
	Units   int64       `json:"units"`
	Total   wire.Number `json:"total"`
}

// placeOrder checks the total against the lines, exactly: wire.Number
// keeps every digit the client sent.
func placeOrder(_ context.Context, ev gateway.Event[events.OrderPlacedV1]) (any, error) {
	o := ev.Data
	sum, units := new(big.Rat), int64(0)
	for _, l := range o.Lines {
		price, _ := l.Price.Rat()
		sum.Add(sum, new(big.Rat).Mul(price, big.NewRat(l.Qty, 1)))
		units += l.Qty
	}
	if total, _ := o.Total.Rat(); total.Cmp(sum) != 0 {
		return nil, wire.Errorf(codes.FailedPrecondition, "total %s %s is not the sum of the lines, %s", o.Total, o.Currency, sum.FloatString(2))
	}
	return receipt{OrderID: o.OrderID, Units: units, Total: o.Total}, nil
}
