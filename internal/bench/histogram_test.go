package bench

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestBucketsBoundError(t *testing.T) {
	values := []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 1e6, 1e9, 1e12, math.MaxInt64, math.MaxUint64}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		values = append(values, r.Uint64()>>r.IntN(64))
	}
	for _, v := range values {
		i := bucketOf(v)
		if i < 0 || i >= histBuckets {
			t.Fatalf("bucketOf(%d) = %d out of range", v, i)
		}
		hi := bucketHigh(i)
		if hi < v || float64(hi-v) > float64(v)/histHalf {
			t.Errorf("value %d in bucket %d reported as %d: more than 1/%d off", v, i, hi, histHalf)
		}
		if i > 0 && bucketHigh(i-1) >= v {
			t.Errorf("value %d also fits bucket %d", v, i-1)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var a, b histogram
	for v := 1; v <= 10000; v++ {
		h := &a
		if v%3 == 0 {
			h = &b
		}
		h.record(int64(v) * int64(time.Microsecond))
	}
	a.merge(&b)
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 5000 * time.Microsecond}, {0.9, 9000 * time.Microsecond}, {0.99, 9900 * time.Microsecond}, {1, 10 * time.Millisecond}}
	for _, tt := range tests {
		got := a.quantile(tt.q)
		if got < tt.want || float64(got-tt.want) > float64(tt.want)/histHalf {
			t.Errorf("p%v = %v, want %v within 1/%d", tt.q*100, got, tt.want, histHalf)
		}
	}
	if a.total != 10000 || a.min != int64(time.Microsecond) || a.max != int64(10*time.Millisecond) {
		t.Errorf("total %d min %d max %d", a.total, a.min, a.max)
	}
	if m := a.mean(); m < 5000*time.Microsecond || m > 5001*time.Microsecond {
		t.Errorf("mean = %v", m)
	}
	var empty histogram
	if empty.quantile(0.99) != 0 || empty.mean() != 0 {
		t.Error("empty histogram reports values")
	}
}

// The reader records every reply; recording must not allocate.
func TestHistogramRecordAllocs(t *testing.T) {
	h := new(histogram)
	if n := testing.AllocsPerRun(1000, func() { h.record(123456) }); n != 0 {
		t.Errorf("%v allocations per record", n)
	}
}
