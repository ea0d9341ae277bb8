package bench

import (
	"math"
	"math/bits"
	"time"
)

// The histogram keeps HDR-style log-linear buckets: values below histSub are
// exact, and above it every power of two is split into histHalf buckets, so a
// bucket is never wider than 1/64 (about 1.6%) of the values it holds. A fixed
// array keeps Record allocation-free and branch-light on the reader's hot path.
const (
	histSubBits = 7
	histSub     = 1 << histSubBits // 128
	histHalf    = histSub / 2      // 64
	histBuckets = (64-histSubBits+1)*histHalf + histHalf
)

// histogram records latencies in nanoseconds. It is owned by one goroutine
// while recording and merged after that goroutine has finished.
type histogram struct {
	counts [histBuckets]uint64
	total  uint64
	sum    float64
	min    int64
	max    int64
}

func bucketOf(v uint64) int {
	if v < histSub {
		return int(v)
	}
	e := bits.Len64(v) - histSubBits
	return e*histHalf + int(v>>uint(e))
}

// bucketHigh is the largest value that falls into bucket i; reporting the high
// edge means a percentile is never better than what was measured.
func bucketHigh(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	e := i/histHalf - 1
	m := uint64(i - e*histHalf)
	return (m+1)<<uint(e) - 1
}

func (h *histogram) record(d int64) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	if h.total == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.total++
	h.sum += float64(d)
}

func (h *histogram) merge(o *histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.total += o.total
	h.sum += o.sum
}

// quantile returns the value at or below which a fraction q of the samples
// lie, capped at the exact maximum so p100 equals Max.
func (h *histogram) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(int64(bucketHigh(i)), h.max))
		}
	}
	return time.Duration(h.max)
}

func (h *histogram) mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.total))
}
