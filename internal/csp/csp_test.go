package csp

import "testing"

// The hash is the one a browser computes: the CSP spec's own example
// (https://www.w3.org/TR/CSP2/#script-src-hash-usage), alert('Hello, world.');
func TestHashMatchesTheSpecExample(t *testing.T) {
	const want = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
	if got := Hash("alert('Hello, world.');"); got != want {
		t.Fatalf("Hash = %s, want %s", got, want)
	}
}
