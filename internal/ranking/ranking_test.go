package ranking

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/status"
)

// TestKeywordsAndPaths checks how a ranking names what failed.
func TestKeywordsAndPaths(t *testing.T) {
	for loc, want := range map[string]string{
		"/properties/total/$ref/minimum": "minimum",
		"/required":                      "required",
		"/properties/a~1b":               "a/b",
	} {
		if got := KeywordOf(loc); got != want {
			t.Errorf("KeywordOf(%q) = %q, want %q", loc, got, want)
		}
	}
	for ptr, want := range map[string]string{
		"":                "",
		"/items/12/sku":   "/items/*/sku",
		"/items/0":        "/items/*",
		"/v2/x":           "/v2/x",
		"/a/007":          "/a/007",
		"/matrix/1/2/val": "/matrix/*/*/val",
	} {
		if got := FoldIndexes(ptr); got != want {
			t.Errorf("FoldIndexes(%q) = %q, want %q", ptr, got, want)
		}
	}
}

// TestCounterIsBounded feeds more distinct names than the cap, and long
// ones: the counter keeps counting those it has and nothing else.
func TestCounterIsBounded(t *testing.T) {
	c := NewCounter(3)
	for i := range 100 {
		c.Add("/p" + strconv.Itoa(i%10))
	}
	c.Add(strings.Repeat("x", 10000))
	top := c.Top(10)
	want := []Count{{"/p0", 10}, {"/p1", 10}, {"/p2", 10}}
	if !slices.Equal(top, want) {
		t.Fatalf("top = %v, want %v", top, want)
	}
	f := NewFailures(10)
	f.Add([]status.Detail{{KeywordLocation: "/properties/age/minimum", InstanceLocation: "/people/3/age"},
		{KeywordLocation: "/required", InstanceLocation: ""}, {KeywordLocation: "/properties/age/minimum", InstanceLocation: "/people/4/age"}})
	if got := f.Keywords.Top(1); !slices.Equal(got, []Count{{"minimum", 2}}) {
		t.Errorf("keywords %v", got)
	}
	if got := f.Paths.Top(1); !slices.Equal(got, []Count{{"/people/*/age", 2}}) {
		t.Errorf("paths %v", got)
	}
	long := NewCounter(5)
	long.Add(strings.Repeat("y", 1000))
	if n := len(long.Top(1)[0].Name); n > maxName+len("…") {
		t.Errorf("a name of %d bytes kept", n)
	}
}
