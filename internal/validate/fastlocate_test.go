package validate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/jsonparse"
	"github.com/schemagate/schemagate/internal/status"
)

// checkSameReport fails unless ValidateJSON, which has the authority judge
// only the parts the fast path could not vouch for, reports exactly what
// the authority reports on the whole instance.
func checkSameReport(t testing.TB, s *Schema, data []byte, what string) {
	t.Helper()
	v, err := jsonparse.Parse(data, 0)
	if err != nil {
		return
	}
	got, err := s.ValidateJSON(data, 0)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want := s.Validate(v)
	if got.Omitted != want.Omitted || !slices.Equal(normalized(got.Details), normalized(want.Details)) {
		t.Fatalf("%s: %s\nlocated report: %+v (+%d)\nwhole report:   %+v (+%d)", what, data, got.Details, got.Omitted, want.Details, want.Omitted)
	}
}

// normalized sorts details fully and the words of each message: where
// two violations share a location, and in lists of names, the validator's
// order is its map order, which differs from run to run.
func normalized(ds []status.Detail) []status.Detail {
	out := make([]status.Detail, len(ds))
	for i, d := range ds {
		words := strings.Fields(strings.ReplaceAll(d.Message, ",", " "))
		slices.Sort(words)
		out[i] = status.Detail{InstanceLocation: d.InstanceLocation, KeywordLocation: d.KeywordLocation, Message: strings.Join(words, " ")}
	}
	slices.SortFunc(out, func(a, b status.Detail) int {
		return strings.Compare(a.InstanceLocation+"\x00"+a.KeywordLocation+"\x00"+a.Message,
			b.InstanceLocation+"\x00"+b.KeywordLocation+"\x00"+b.Message)
	})
	return out
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
// value to the authority, with its locations in the whole.
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
	data, _ := json.Marshal(order)
	parts, ok := s.fast.locate(data, 0)
	if !ok {
		t.Fatal("not located")
	}
	var got []string
	for _, p := range parts {
		got = append(got, p.keyword+" @"+p.instance+" = "+string(p.data))
	}
	want := []string{
		"/properties/customer/properties/shipping/$ref/properties/country @/customer/shipping/country = \"Korea\"",
		"/properties/items/items/properties/qty @/items/1/qty = 0",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkSameReport(t, s, data, "two bad values")
}
