package validate

import (
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// quickFormatNames are the formats with a quick check.
var quickFormatNames = []string{"uuid", "date-time", "date", "email"}

// TestQuickFormatCommonValues: the quick checks take the values clients
// send every day (else they buy nothing) and leave the odd ones.
func TestQuickFormatCommonValues(t *testing.T) {
	cases := []struct {
		format, value string
		quick         bool
	}{
		{"uuid", "0ec6eb6b-4cef-47fa-b767-6965a46929f7", true},
		{"uuid", "0EC6EB6B-4CEF-47FA-B767-6965A46929F7", true},
		{"uuid", "0ec6eb6b-4cef-47fa-b767-6965a46929f", false},
		{"uuid", "0ec6eb6b4cef-47fa-b767-6965a46929f7-", false},
		{"date-time", "2026-07-04T04:21:14Z", true},
		{"date-time", "2024-02-29t23:59:59.123456+09:00", true},
		{"date-time", "2023-02-29T00:00:00Z", false},
		{"date-time", "2026-07-04T23:59:60Z", false}, // a leap second: the library decides
		{"date-time", "2026-07-04T24:00:00Z", false},
		{"date-time", "2026-07-04T04:21:14", false},
		{"date-time", "2026-07-04T04:21:14.Z", false},
		{"date", "2000-02-29", true},
		{"date", "1900-02-29", false},
		{"date", "2026-04-31", false},
		{"email", "user535743@example.com", true},
		{"email", "first.last+tag@mail-1.example.co.uk", true},
		{"email", `"quoted"@example.com`, false},
		{"email", "a@b@example.com", false},
		{"email", ".a@example.com", false},
		{"email", "a@-example.com", false},
		{"email", "a@[127.0.0.1]", false},
	}
	for _, c := range cases {
		if got := quickFormat(c.format)([]byte(c.value)); got != c.quick {
			t.Errorf("%s %q: quick %v, want %v", c.format, c.value, got, c.quick)
		}
		if c.quick && !jsonschema.Formats[c.format](c.value) {
			t.Errorf("%s %q: the library rejects it", c.format, c.value)
		}
	}
}

// FuzzQuickFormat is the differential fuzzer of the quick checks: what
// one calls valid, the library's checker must call valid.
func FuzzQuickFormat(f *testing.F) {
	for _, s := range []string{"0ec6eb6b-4cef-47fa-b767-6965a46929f7", "2024-02-29T23:59:59.5+09:00",
		"2000-01-01", "a.b+c@example.com", "x@y", "0000-00-00T00:00:00Z"} {
		for i := range quickFormatNames {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		name := quickFormatNames[int(which)%len(quickFormatNames)]
		if quickFormat(name)([]byte(s)) && !jsonschema.Formats[name](s) {
			t.Fatalf("%s: quick check accepts %q, the library rejects it", name, s)
		}
	})
}
