package console

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/ranking"
	"github.com/schemagate/schemagate/internal/status"
)

// groupKey is what rejections are grouped by. For a frame that named no
// loaded schema, Type comes from the client and is cut to maxTypeLen.
type groupKey struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Keyword string `json:"keyword"`
	Path    string `json:"path"`
}

const (
	// maxTypeLen bounds a client-given type kept in a group's key.
	maxTypeLen = 64
	// maxSampleBytes bounds what one sample keeps of its frame: with the
	// defaults (500 groups of 5 samples, each of at most 8 KiB of frame
	// and maxErrorBytes of error, paths clipped to maxPath) the ring holds
	// about 25 MiB at most.
	maxSampleBytes = 8 << 10
	// maxShapeInput is the longest frame a sample shapes; a longer one
	// is only measured.
	maxShapeInput = 256 << 10
	// sampleEvery is the least time between two samples of a group that
	// has all its samples: a flood of one rejection copies one frame a
	// second, not every frame.
	sampleEvery = time.Second
	// overflowKeyword names the group that counts rejections once
	// max_groups groups exist.
	overflowKeyword = "(other groups)"
)

// group is one (type, version, keyword, path) and its counts: a bucket
// per minute of the window, indexed by minute modulo the window. Counting
// is atomic, so that a rejection already grouped takes no lock but a
// read lock; samples and a bucket's turnover take the ring's lock.
type group struct {
	id         uint64
	key        groupKey
	known      bool
	buckets    []bucket
	last       atomic.Int64 // Unix nanoseconds
	lastSample atomic.Int64 // Unix nanoseconds
	nsamples   atomic.Int32
	samples    []sample // a ring of at most Samples, next is the oldest
	next       int
}

type bucket struct {
	minute atomic.Int64
	n      atomic.Int64
}

// sample is one rejected frame as the console may show it, and the
// error it got: with show_data, the frame's first maxSampleBytes; without,
// only its shape and the error's keywords and locations (keptError), made
// when it is kept, so that no event data stays in the console's memory.
type sample struct {
	At        time.Time
	Key       event.Key
	Frame     []byte
	Truncated int // bytes of the frame left out (show_data)
	Err       *status.Error
}

// rejects is the bounded ring of recent rejections. mu guards the groups
// map (read-locked to find a group or take a snapshot) and each group's
// samples. A group's count changes only at a minute's turn, so the groups
// left empty are dropped at most once a minute (pruned is the minute of
// the last sweep): a full ring costs a new path one map miss, not a scan
// of every group under the exclusive lock.
type rejects struct {
	mu       sync.RWMutex
	pruned   atomic.Int64
	minutes  int
	max      int
	keep     int
	showData bool
	nextID   uint64
	groups   map[groupKey]*group
}

func newRejects(c config.Console) *rejects {
	minutes := int(c.Window / time.Minute)
	return &rejects{minutes: max(minutes, 1), max: max(c.MaxGroups, 1), keep: max(c.Samples, 1), showData: c.ShowData,
		groups: map[groupKey]*group{}}
}

// record files one rejected frame in each group its violations name
// (once per group, however many violations fall in it). What a sample
// keeps (a shape that re-decodes up to maxShapeInput, the kept error) is
// made once, when the first group wants it, and shared by the others.
func (r *rejects) record(now time.Time, key event.Key, known bool, frame []byte, err *status.Error) {
	var buf [4]groupKey
	var kept *sample
	minute, nanos := now.Unix()/60, now.UnixNano()
	for _, k := range groupKeys(buf[:0], key, known, err) {
		g := r.group(k, known, minute)
		r.count(g, minute)
		g.last.Store(nanos)
		if int(g.nsamples.Load()) < r.keep || nanos-g.lastSample.Load() >= int64(sampleEvery) {
			if kept == nil { // shaping needs no lock
				s := r.keepable(frame)
				s.Err = keptError(err, r.showData)
				kept = &s
			}
			r.sample(g, now, key, *kept)
		}
	}
}

// count adds one to g's bucket of minute, turning the bucket over first
// when it still holds the minute a window ago.
func (r *rejects) count(g *group, minute int64) {
	b := &g.buckets[int(minute%int64(r.minutes))]
	if b.minute.Load() != minute {
		r.mu.Lock()
		if b.minute.Load() != minute {
			b.n.Store(0) // before the minute, so no reader sees the old count as the new minute's
			b.minute.Store(minute)
		}
		r.mu.Unlock()
	}
	b.n.Add(1)
}

// sample keeps s in g's samples, unless another frame took the place
// meanwhile.
func (r *rejects) sample(g *group, now time.Time, key event.Key, s sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(g.samples) >= r.keep && now.UnixNano()-g.lastSample.Load() < int64(sampleEvery) {
		return
	}
	g.addSample(r.keep, now, key, s)
}

// group finds or makes the group of k; past max groups, making one
// first drops the groups with nothing left in the window, then falls
// back to the overflow group.
func (r *rejects) group(k groupKey, known bool, minute int64) *group {
	r.mu.RLock()
	g, ok := r.groups[k]
	r.mu.RUnlock()
	if ok {
		return g
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if g, ok := r.groups[k]; ok {
		return g
	}
	if len(r.groups) >= r.max && r.pruned.Load() != minute {
		r.prune(minute)
	}
	if len(r.groups) >= r.max {
		k = groupKey{Keyword: overflowKeyword}
		known = false
		if g, ok := r.groups[k]; ok {
			return g
		}
	}
	r.nextID++
	g = &group{id: r.nextID, key: k, known: known, buckets: make([]bucket, r.minutes)}
	r.groups[k] = g
	return g
}

// keepable is what a sample keeps of frame (a copy: the door reuses
// frame): its first maxSampleBytes with show_data, else its shape.
func (r *rejects) keepable(frame []byte) sample {
	if !r.showData {
		shape := preview(frame, maxShapeInput, false)
		if len(shape) > maxSampleBytes {
			shape = quote(fmt.Sprintf("‹%d bytes; their shape is too long to keep›", len(frame)))
		}
		return sample{Frame: shape}
	}
	n := min(len(frame), maxSampleBytes)
	return sample{Frame: append([]byte(nil), frame[:n]...), Truncated: len(frame) - n}
}

// addSample puts s in g's ring; the caller holds the ring's lock.
func (g *group) addSample(keep int, now time.Time, key event.Key, s sample) {
	s.At, s.Key = now, key
	if len(g.samples) < keep {
		g.samples = append(g.samples, s)
	} else {
		g.samples[g.next] = s
		g.next = (g.next + 1) % keep
	}
	g.lastSample.Store(now.UnixNano())
	g.nsamples.Store(int32(len(g.samples)))
}

// prune drops the groups with no rejection left in the window; the
// caller holds the ring's lock.
func (r *rejects) prune(minute int64) {
	r.pruned.Store(minute)
	for k, g := range r.groups {
		if g.count(minute, r.minutes) == 0 {
			delete(r.groups, k)
		}
	}
}

// count is the group's rejections in the window ending at minute.
func (g *group) count(minute int64, minutes int) int64 {
	var n int64
	for i := range g.buckets {
		b := &g.buckets[i]
		if m := b.minute.Load(); m > minute-int64(minutes) && m <= minute {
			n += b.n.Load()
		}
	}
	return n
}

// groupKeys appends to keys the groups a rejection counts in: one per
// distinct (keyword, instance path) of its violations, or one named
// after the refusal when it has none (not JSON, no schema, a bad
// envelope). The path's array indexes are folded, so that one order
// with twenty bad items makes one group, not twenty. Violations are few
// (schemas.max_details), so a scan finds the repeats.
func groupKeys(keys []groupKey, key event.Key, known bool, err *status.Error) []groupKey {
	typ := key.Type
	if !known {
		typ = clip(typ, maxTypeLen)
	}
	if len(err.Details) == 0 {
		return append(keys, groupKey{Type: typ, Version: key.Version, Keyword: refusalKeyword(err)})
	}
next:
	for _, d := range err.Details {
		k := groupKey{Type: typ, Version: key.Version, Keyword: status.Keyword(d.KeywordLocation),
			Path: clip(ranking.FoldIndexes(d.InstanceLocation), maxPath)}
		for _, seen := range keys {
			if seen == k {
				continue next
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// refusalKeyword names a rejection without violations by what was
// wrong, in parentheses so it never reads as a schema keyword.
func refusalKeyword(err *status.Error) string {
	switch {
	case err.Code == codes.NotFound:
		return "(no schema)"
	case strings.HasPrefix(err.Message, "data is not valid JSON"):
		return "(not JSON)"
	}
	return "(envelope)"
}

// groupView is a group as the rejects view shows it.
type groupView struct {
	ID uint64 `json:"id"`
	groupKey
	Known     bool      `json:"known"`
	Count     int64     `json:"count"`
	PerMinute []int64   `json:"per_minute"` // oldest first, the last is this minute
	Last      time.Time `json:"last"`
	Samples   int       `json:"samples"`
}

// snapshot lists the groups with rejections in the window, most first.
// It sweeps the empty groups out once a minute, and otherwise only reads:
// every open stream takes one a second.
func (r *rejects) snapshot(now time.Time) []groupView {
	minute := now.Unix() / 60
	if r.pruned.Load() != minute {
		r.mu.Lock()
		if r.pruned.Load() != minute {
			r.prune(minute)
		}
		r.mu.Unlock()
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]groupView, 0, len(r.groups))
	for _, g := range r.groups {
		v := groupView{ID: g.id, groupKey: g.key, Known: g.known, Last: time.Unix(0, g.last.Load()), Samples: len(g.samples),
			PerMinute: make([]int64, r.minutes)}
		for i := range g.buckets {
			b := &g.buckets[i]
			if age := minute - b.minute.Load(); age >= 0 && age < int64(r.minutes) {
				n := b.n.Load()
				v.PerMinute[r.minutes-1-int(age)] = n
				v.Count += n
			}
		}
		if v.Count > 0 { // a group that left the window since the last sweep
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// samplesOf returns a copy of group id's samples, newest first, and its
// key; ok is false when no such group is kept.
func (r *rejects) samplesOf(id uint64) (groupKey, []sample, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, g := range r.groups {
		if g.id != id {
			continue
		}
		out := make([]sample, 0, len(g.samples))
		for i := range g.samples {
			out = append(out, g.samples[(g.next+len(g.samples)-1-i)%len(g.samples)])
		}
		return g.key, out, true
	}
	return groupKey{}, nil, false
}
