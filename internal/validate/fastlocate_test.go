package validate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
)

// checkSameReport fails unless ValidateJSON, which words the violations
// it can itself and has the authority judge only the parts it could not
// vouch for, reports exactly what the authority reports on the whole
// instance: the same details in the same order, byte for byte; and so
// does JudgeRefused's way in, which skips the first scan.
func checkSameReport(t testing.TB, s *Schema, data []byte, what string) {
	t.Helper()
	v, err := jsonparse.Parse(data, 0)
	if err != nil {
		return
	}
	want := s.Validate(v)
	for _, refused := range []bool{false, true} {
		got, err := s.validateJSON(data, 0, refused)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got.Omitted != want.Omitted || !slices.Equal(got.Details, want.Details) {
			t.Fatalf("%s (refused %v): %s\nlocated report: %+v (+%d)\nwhole report:   %+v (+%d)",
				what, refused, data, got.Details, got.Omitted, want.Details, want.Omitted)
		}
	}
}

// TestLocatedReportsEqualWhole: over the benchmark workloads with many
// mutations each, a located report is the whole report (the suite's cases
// are checked by TestFastPathJSONSchemaTestSuite).
func TestLocatedReportsEqualWhole(t *testing.T) {
	eachWorkloadFrame(t, 7, 300, 30, func(s *Schema, w workloadFrame, what string) {
		checkSameReport(t, s, w.Frame.Data, what)
	}, func(s *Schema, data []byte, what string) { checkSameReport(t, s, data, what) })
}

// TestLocatedReportNarrows: a frame with one bad value sends only that
// value to the authority, with its locations in the whole; a bad value
// the fast path can word is not sent at all.
func TestLocatedReportNarrows(t *testing.T) {
	reg := benchRegistry(t)
	s, _ := reg.Lookup(event.Key{Type: "order.placed", Version: 1})
	frames := readFrames(t, "order-valid", 1)
	var order map[string]any
	if err := json.Unmarshal(frames[0].Frame.Data, &order); err != nil {
		t.Fatal(err)
	}
	order["customer"].(map[string]any)["shipping"].(map[string]any)["country"] = "Korea"
	order["items"].([]any)[1].(map[string]any)["qty"] = 0
	order["items"].([]any)[2].(map[string]any)["price"] = json.Number("1e-3")
	data, _ := json.Marshal(order)
	parts, worded, ok := s.fast.locate(data, 0, false)
	if !ok {
		t.Fatal("not located")
	}
	var got []string
	for _, p := range parts {
		got = append(got, p.keyword+" @"+p.instance+" = "+string(p.data))
	}
	for _, d := range worded {
		got = append(got, d.KeywordLocation+" @"+d.InstanceLocation+": "+d.Message)
	}
	want := []string{
		"/properties/items/items/properties/price/$ref @/items/2/price = 1e-3",
		"/properties/customer/properties/shipping/$ref/properties/country/pattern @/customer/shipping/country: does not match pattern '^[A-Z]{2}$'",
		"/properties/items/items/properties/qty/minimum @/items/1/qty: must be >= 1 but found 0",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parts, then worded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkSameReport(t, s, data, "three bad values")
}
