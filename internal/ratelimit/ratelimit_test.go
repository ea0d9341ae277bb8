package ratelimit

import "testing"

func TestBucket(t *testing.T) {
	if New(Config{Burst: 5, MaxViolations: 1}) != nil {
		t.Fatal("PerSecond 0 must turn the limit off")
	}
	var off *Bucket
	if ok, over := off.Allow(); !ok || over {
		t.Fatalf("a nil bucket: Allow() = %v, %v; want true, false", ok, over)
	}
	// A refill rate so slow that no token comes back during the test.
	b := New(Config{PerSecond: 1e-6, Burst: 2, MaxViolations: 3})
	for i, want := range []struct{ ok, over bool }{
		{true, false}, {true, false}, // the burst
		{false, false}, {false, false}, {false, true}, // the third refusal in a row
		{false, true},
	} {
		if ok, over := b.Allow(); ok != want.ok || over != want.over {
			t.Fatalf("event %d: Allow() = %v, %v; want %v, %v", i, ok, over, want.ok, want.over)
		}
	}
	never := New(Config{PerSecond: 1e-6, Burst: 1})
	never.Allow()
	for range 10 {
		if _, over := never.Allow(); over {
			t.Fatal("MaxViolations 0 must never cut a connection off")
		}
	}
}
