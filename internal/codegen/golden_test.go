package codegen

import (
	"flag"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The generated code for a tree of every construct the generator meets
// (testdata/constructs) is pinned, so a change to what users get shows in
// review. TestRoundTrip proves it compiles, vets and loses nothing.
func TestGolden(t *testing.T) {
	reg, err := validate.Load(validate.Options{Dir: "testdata/constructs", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	src, types, err := Generate(reg, "constructs")
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/constructs.go.golden"
	testkit.Golden(t, golden, src, *update)
	raw := map[string]bool{}
	for _, ty := range types {
		raw[ty.Name] = ty.Raw
	}
	if !raw["AnyV1"] || raw["ShapesV1"] || raw["TreeV1"] {
		t.Errorf("raw fallbacks: %v, want only AnyV1", raw)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"order.placed": "OrderPlaced", "order_id": "OrderID", "placedAt": "PlacedAt", "sku": "SKU",
		"x-request-url": "XRequestURL", "1st": "X1st", "名前": "X", "": "X", "Case": "Case",
	} {
		if got := exported(in); got != want {
			t.Errorf("exported(%q) = %q, want %q", in, got, want)
		}
	}
	if got := eventName(event.Key{Type: "order.placed", Version: 1}); got != "OrderPlacedV1" {
		t.Errorf("eventName = %s", got)
	}
}
