package validate

import (
	"slices"
	"testing"

	"github.com/schemagate/schemagate/internal/status"
)

// Details are ordered by location whatever order the validator found them
// in: array indexes by number, and keys that read as the same number
// ("0", "00") by their text, so that no two orders of the same details
// give two reports.
func TestCappedOrdersEveryPermutation(t *testing.T) {
	want := []string{"", "/0", "/0000", "/1", "/2", "/10", "/a", "/a/0", "/a/00", "/b"}
	var details []status.Detail
	for _, loc := range want {
		details = append(details, status.Detail{InstanceLocation: loc, KeywordLocation: "/additionalProperties/type"})
	}
	for i := range 50 {
		in := slices.Clone(details)
		for j := range in { // a different order each round, deterministic
			k := (j*7 + i*13) % len(in)
			in[j], in[k] = in[k], in[j]
		}
		var got []string
		for _, d := range capped(in, len(in)).Details {
			got = append(got, d.InstanceLocation)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: order %q, want %q", i, got, want)
		}
	}
}
