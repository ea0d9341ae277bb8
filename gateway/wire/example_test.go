package wire_test

import (
	"encoding/json"
	"fmt"

	"github.com/schemagate/schemagate/gateway/wire"
)

// A Number keeps the digits a float64 would round away.
func ExampleNumber() {
	var price struct {
		Amount wire.Number `json:"amount"`
	}
	_ = json.Unmarshal([]byte(`{"amount": 12345678901234567.89}`), &price)
	out, _ := json.Marshal(price)
	f, _ := price.Amount.Float64()
	fmt.Println(string(out))
	fmt.Println(f)
	// Output:
	// {"amount":12345678901234567.89}
	// 1.2345678901234568e+16
}

// A DateTime is a time.Time that writes back the text it was sent as.
func ExampleDateTime() {
	var d wire.DateTime
	_ = json.Unmarshal([]byte(`"2026-07-04T06:21:14.000+02:00"`), &d)
	out, _ := json.Marshal(d)
	fmt.Println(d.UTC().Format("2006-01-02 15:04"), string(out))
	// Output: 2026-07-04 04:21 "2026-07-04T06:21:14.000+02:00"
}
