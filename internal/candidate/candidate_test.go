package candidate

import (
	"slices"
	"testing"

	"github.com/schemagate/schemagate/internal/ranking"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/testkit"
)

func TestOutcomes(t *testing.T) {
	for _, c := range []struct {
		old, new bool
		want     string
	}{{true, true, "both_valid"}, {false, false, "both_invalid"}, {true, false, "only_old_valid"}, {false, true, "only_new_valid"}} {
		if got := Of(c.old, c.new).String(); got != c.want {
			t.Errorf("Of(%v, %v) = %s, want %s", c.old, c.new, got, c.want)
		}
	}
}

// TestTallyConcurrent counts from many goroutines, as the pipeline's
// connections do, and reads the sums and rankings back.
func TestTallyConcurrent(t *testing.T) {
	tl := NewTally()
	rejected := &status.Error{Details: []status.Detail{{KeywordLocation: "/required", InstanceLocation: ""},
		{KeywordLocation: "/properties/age/minimum", InstanceLocation: "/age"}}}
	testkit.Concurrently(8, func(g int) {
		for i := range 100 {
			switch (g + i) % 4 {
			case 0:
				tl.Add(BothValid, nil)
			case 1:
				tl.Add(OnlyOldValid, rejected)
			case 2:
				tl.Add(BothInvalid, rejected)
			default:
				tl.Add(OnlyNewValid, nil)
			}
			_ = tl.Snapshot()
		}
	})
	s := tl.Snapshot()
	want := Counts{BothValid: 200, BothInvalid: 200, OnlyOldValid: 200, OnlyNewValid: 200}
	if s.Outcomes != want || s.Compared != 800 || s.Outcomes.Changed() != 400 || s.Outcomes.Of(OnlyOldValid) != 200 {
		t.Fatalf("snapshot %+v", s)
	}
	if !slices.Equal(s.TopKeywords, []ranking.Count{{Name: "minimum", Count: 400}, {Name: "required", Count: 400}}) {
		t.Errorf("keywords %v", s.TopKeywords)
	}
	if !slices.Equal(s.TopInstancePaths, []ranking.Count{{Name: "", Count: 400}, {Name: "/age", Count: 400}}) {
		t.Errorf("paths %v", s.TopInstancePaths)
	}
}
