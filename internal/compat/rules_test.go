package compat

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeListsRules: the README's rule table has a row for every
// rule, so the IDs people script against are documented.
func TestReadmeListsRules(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(string(readme), "| `"+r.ID+"` | "+r.Meaning+" |") {
			t.Errorf("README lacks the row for %s", r.ID)
		}
	}
}
