package console

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

func invalid(details ...status.Detail) *status.Error {
	return &status.Error{Code: codes.InvalidArgument, Message: "data does not match person v1", Details: details}
}

var person1 = event.Key{Type: "person", Version: 1}

// TestRejectsGroupCountAndForget: rejections group by (type, version,
// keyword, path), a frame counts once per group however many of its
// violations fall there, per-minute counts land in their minute, and a
// group leaves once the window has passed it by.
func TestRejectsGroupCountAndForget(t *testing.T) {
	cfg := config.Default().Console
	cfg.Window = 3 * time.Minute
	r := newRejects(cfg)
	t0 := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	age := status.Detail{InstanceLocation: "/age", KeywordLocation: "/properties/age/$ref/minimum", Message: "must be >= 0"}
	req := status.Detail{InstanceLocation: "", KeywordLocation: "/required", Message: "missing properties: 'city'"}
	r.record(t0, person1, true, []byte(`{"age":-1}`), invalid(age, req, age))
	r.record(t0.Add(time.Minute), person1, true, []byte(`{"age":-2}`), invalid(age))
	r.record(t0.Add(time.Minute), event.Key{Type: "nope", Version: 3}, false, []byte(`{}`), status.New(codes.NotFound, "no schema for nope v3"))
	got := r.snapshot(t0.Add(time.Minute))
	want := map[string]string{"person 1 minimum /age": "2 [0 1 1]", "person 1 required ": "1 [0 1 0]", "nope 3 (no schema) ": "1 [0 0 1]"}
	if len(got) != len(want) {
		t.Fatalf("groups %+v, want %v", got, want)
	}
	for _, g := range got {
		k := g.Type + " " + itoa(g.Version) + " " + g.Keyword + " " + g.Path
		if w, ok := want[k]; !ok || w != itoa(int(g.Count))+" "+ints(g.PerMinute) {
			t.Errorf("group %q: count %d per minute %v, want %q", k, g.Count, g.PerMinute, w)
		}
	}
	if got[0].Keyword != "minimum" {
		t.Errorf("the biggest group is not first: %+v", got)
	}
	_, samples, ok := r.samplesOf(got[0].ID)
	if !ok || len(samples) != 2 || !samples[0].At.Equal(t0.Add(time.Minute)) || string(samples[0].Frame) != `{"age":"‹number›"}` {
		t.Errorf("samples of the minimum group, newest first and as shapes: %+v", samples)
	}
	if left := r.snapshot(t0.Add(4 * time.Minute)); len(left) != 0 {
		t.Errorf("groups outlived the window: %+v", left)
	}
}

// TestSamplesKeepDataOnlyWhenShown: with show_data a sample keeps the
// frame itself, cut at maxSampleBytes.
func TestSamplesKeepDataOnlyWhenShown(t *testing.T) {
	cfg := config.Default().Console
	cfg.ShowData = true
	r := newRejects(cfg)
	long := `{"name":"` + strings.Repeat("x", maxSampleBytes) + `"}`
	for _, f := range []string{`{"name":"Ada"}`, long} {
		r.record(time.Now(), person1, true, []byte(f), invalid(status.Detail{KeywordLocation: "/type"}))
	}
	_, samples, _ := r.samplesOf(r.snapshot(time.Now())[0].ID)
	if len(samples) != 2 || string(samples[1].Frame) != `{"name":"Ada"}` || len(samples[0].Frame) != maxSampleBytes || samples[0].Truncated != len(long)-maxSampleBytes {
		t.Errorf("samples with show_data: %d, truncated %d", len(samples), samples[0].Truncated)
	}
}

// TestRejectsOverflow: past max_groups, new groups are counted in one
// overflow group rather than growing the ring.
func TestRejectsOverflow(t *testing.T) {
	cfg := config.Default().Console
	cfg.MaxGroups = 2
	r := newRejects(cfg)
	now := time.Now()
	for _, p := range []string{"/a", "/b", "/c", "/d"} {
		r.record(now, person1, true, nil, invalid(status.Detail{InstanceLocation: p, KeywordLocation: "/type"}))
	}
	got := r.snapshot(now)
	if len(got) != 3 || got[0].Keyword != overflowKeyword || got[0].Count != 2 {
		t.Errorf("want /a, /b and an overflow group of 2, got %+v", got)
	}
}

// TestShapeHidesData: with show_data off, data becomes its shape (keys
// and JSON types), an envelope keeps its type and version, and text that
// is not JSON is only measured.
func TestShapeHidesData(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"name":"Ada","age":36,"ok":true,"tags":["a","b","c","d"],"x":null}`,
			`{"age":"‹number›","name":"‹string›","ok":"‹boolean›","tags":["‹string›","‹string›","‹string›","‹1 more›"],"x":null}`},
		{`{"id":"e-1","type":"person","version":1,"data":{"name":"Ada"}}`, `{"data":{"name":"‹string›"},"id":"‹string›","type":"person","version":1}`},
		{`Ada's secret`, `"‹12 bytes, not JSON›"`},
		{`{"type":{"ssn":"123-45-6789"},"version":["Ada"],"data":{}}`, `{"data":{},"type":{"ssn":"‹string›"},"version":["‹string›"]}`},
	} {
		if got := string(preview([]byte(c.in), 1<<10, false)); got != c.want {
			t.Errorf("shape of %s = %s, want %s", c.in, got, c.want)
		}
	}
	if got := string(preview([]byte(`{"name":"Ada"}`), 1<<10, true)); got != `{"name":"Ada"}` {
		t.Errorf("show_data on: %s", got)
	}
}

// TestTailNeverBlocks: a subscriber that reads nothing loses entries
// (counted) instead of holding the frame's goroutine, and once a tick's
// budget is spent frames are not shown until the next.
func TestTailNeverBlocks(t *testing.T) {
	tl := newTail(1 << 20)
	s := tl.subscribe(0)
	defer tl.unsubscribe(s)
	now := time.Now()
	for i := 0; i < subscriberQueue+10; i++ {
		tl.offer(now, person1, true, []byte(`{}`), nil, outcomeAccepted, false)
	}
	if d, o := s.dropped.Load(), s.offered.Load(); d != 10 || o != subscriberQueue+10 {
		t.Errorf("dropped %d of %d, want 10 of %d", d, o, subscriberQueue+10)
	}
	slow := newTail(50)
	slow.every = time.Hour // no refill during the test
	defer slow.unsubscribe(slow.subscribe(0))
	taken := 0
	for i := 0; i < 8; i++ {
		if slow.take() {
			taken++
		}
	}
	if taken != 5 {
		t.Errorf("took %d of 8 with a budget of 5 a tick", taken)
	}
}

// TestConsoleFrameCounts: the tap counts by outcome, files only
// rejections, and pays no tail cost while nobody watches.
func TestConsoleFrameCounts(t *testing.T) {
	c, err := New(Options{Config: config.Default().Console})
	if err != nil {
		t.Fatal(err)
	}
	c.Frame(person1, true, []byte(`{}`), nil)
	c.Frame(person1, true, []byte(`{}`), invalid(status.Detail{KeywordLocation: "/required"}))
	c.Frame(person1, true, []byte(`{}`), status.New(codes.Unavailable, "sink down"))
	for i, want := range []uint64{1, 1, 1} {
		if got := c.frames[i].Load(); got != want {
			t.Errorf("%s: %d, want %d", outcomeNames[i], got, want)
		}
	}
	if g := c.rejects.snapshot(time.Now()); len(g) != 1 || g[0].Keyword != "required" {
		t.Errorf("groups %+v", g)
	}
	if !strings.Contains(string(c.page.html), "<script>") || strings.Contains(string(c.page.html), "/*SCRIPT*/") {
		t.Error("the page's script is not inlined")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ints(v []int64) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// TestRejectsCountUnderConcurrency: frames recorded from many goroutines
// while the view reads are all counted (the race detector watches the
// lock-free counting).
func TestRejectsCountUnderConcurrency(t *testing.T) {
	r := newRejects(config.Default().Console)
	const workers, each = 4, 500
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r.record(time.Now(), person1, true, []byte(`{"age":-1}`), invalid(status.Detail{InstanceLocation: "/age", KeywordLocation: "/minimum"}))
				if i%100 == 0 {
					r.snapshot(time.Now())
				}
			}
		}()
	}
	wg.Wait()
	if g := r.snapshot(time.Now()); len(g) != 1 || g[0].Count != workers*each || g[0].Samples != config.Default().Console.Samples {
		t.Errorf("groups %+v, want one of %d with %d samples", g, workers*each, config.Default().Console.Samples)
	}
}

// TestRejectsFoldIndexesAndSweepOncePerMinute: one frame with twenty bad
// items makes one group, its path's indexes folded; a full ring sweeps
// its empty groups once a minute (a new path in the same minute goes to
// the overflow group without a scan), and the next minute's sweep makes
// room again.
func TestRejectsFoldIndexesAndSweepOncePerMinute(t *testing.T) {
	cfg := config.Default().Console
	cfg.Window, cfg.MaxGroups = time.Minute, 2
	r := newRejects(cfg)
	t0 := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	var items []status.Detail
	for i := 0; i < 20; i++ {
		items = append(items, status.Detail{InstanceLocation: "/items/" + itoa(i) + "/sku", KeywordLocation: "/properties/items/items/properties/sku/pattern"})
	}
	r.record(t0, person1, true, nil, invalid(items...))
	if g := r.snapshot(t0); len(g) != 1 || g[0].Path != "/items/*/sku" || g[0].Count != 1 {
		t.Fatalf("twenty bad items: groups %+v, want one /items/*/sku of 1", g)
	}
	r.record(t0, person1, true, nil, invalid(status.Detail{InstanceLocation: "/a", KeywordLocation: "/type"}))
	r.record(t0, person1, true, nil, invalid(status.Detail{InstanceLocation: "/b", KeywordLocation: "/type"}))
	if p := r.pruned.Load(); p != t0.Unix()/60 {
		t.Errorf("the full ring swept at minute %d, want %d", p, t0.Unix()/60)
	}
	t1 := t0.Add(time.Minute) // the window has passed every group by
	r.record(t1, person1, true, nil, invalid(status.Detail{InstanceLocation: "/c", KeywordLocation: "/type"}))
	if g := r.snapshot(t1); len(g) != 1 || g[0].Path != "/c" {
		t.Errorf("the next minute's sweep made no room: %+v", g)
	}
}

// TestRejectsClipWhatTheyKeep: a frame's long instance path and messages
// (bodies may be 10 MiB) are kept clipped in the group's key, its samples
// and the tail, even with show_data.
func TestRejectsClipWhatTheyKeep(t *testing.T) {
	cfg := config.Default().Console
	cfg.ShowData = true
	c, err := New(Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	long := "/" + strings.Repeat("é", 1<<19)
	bad := invalid(status.Detail{InstanceLocation: long, KeywordLocation: "/additionalProperties", Message: "additional properties " + long + " not allowed"})
	bad.Message += long
	sub := c.tail.subscribe(0)
	defer c.tail.unsubscribe(sub)
	c.Frame(person1, true, []byte(`{}`), bad)
	within := func(what, s string, n int) {
		if len(s) > n+len("…") || !utf8.ValidString(s) {
			t.Errorf("%s keeps %d bytes (valid UTF-8: %v), want at most %d", what, len(s), utf8.ValidString(s), n)
		}
	}
	g := c.rejects.snapshot(time.Now())
	if len(g) != 1 {
		t.Fatalf("groups %+v", g)
	}
	within("the group's path", g[0].Path, maxPath)
	_, samples, _ := c.rejects.samplesOf(g[0].ID)
	e := samples[0].Err
	within("the sample's message", e.Message, maxMessage)
	within("the sample's instance location", e.Details[0].InstanceLocation, maxPath)
	within("the sample's detail message", e.Details[0].Message, maxMessage)
	select {
	case te := <-sub.ch:
		within("the tail's path", te.Path, maxPath)
		within("the tail's message", te.Message, maxMessage)
	default:
		t.Error("no tail entry")
	}
	many := invalid()
	for i := 0; i < 20; i++ {
		many.Details = append(many.Details, status.Detail{InstanceLocation: long, KeywordLocation: "/type", Message: long})
	}
	if k := keptError(many, true); len(k.Details)+k.Omitted != 20 || len(k.Details) == 0 || len(k.Details) > 2 {
		t.Errorf("twenty long violations: %d kept, %d omitted; want the rest of %d bytes omitted", len(k.Details), k.Omitted, maxErrorBytes)
	}
	if bad.Details[0].InstanceLocation != long {
		t.Error("clipping changed the client's error")
	}
}

// TestRejectsShapeOncePerFrame: a frame that falls in several groups is
// shaped once, and its groups' samples share what it kept.
func TestRejectsShapeOncePerFrame(t *testing.T) {
	r := newRejects(config.Default().Console)
	r.record(time.Now(), person1, true, []byte(`{"age":-1,"name":7}`), invalid(
		status.Detail{InstanceLocation: "/age", KeywordLocation: "/properties/age/minimum"},
		status.Detail{InstanceLocation: "/name", KeywordLocation: "/properties/name/type"}))
	g := r.snapshot(time.Now())
	if len(g) != 2 {
		t.Fatalf("groups %+v", g)
	}
	_, a, _ := r.samplesOf(g[0].ID)
	_, b, _ := r.samplesOf(g[1].ID)
	if len(a) != 1 || len(b) != 1 || &a[0].Frame[0] != &b[0].Frame[0] || a[0].Err != b[0].Err {
		t.Error("the frame was shaped (and its error kept) once per group, not once")
	}
}

// TestTailRefillKeepsTheRate: the refill's ticks show tail_rate frames a
// second, whatever its rounding to tenths of a second.
func TestTailRefillKeepsTheRate(t *testing.T) {
	for _, rate := range []int{1, 5, 10, 15, 19, 199, 200, 1234} {
		tl := newTail(rate)
		if got := float64(tl.perTick) * float64(time.Second) / float64(tl.every); got < float64(rate)*0.999 || got > float64(rate)*1.001 || tl.every > time.Second {
			t.Errorf("rate %d: %d every %v is %.2f a second", rate, tl.perTick, tl.every, got)
		}
	}
}
