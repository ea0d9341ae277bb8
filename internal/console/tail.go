package console

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
)

const (
	// subscriberQueue is how many tail entries wait for one slow stream
	// before it loses the next ones.
	subscriberQueue = 512
	// maxTailBytes bounds the frame bytes a tail entry shows.
	maxTailBytes = 4 << 10
)

// tailEntry is one frame as the live tail shows it.
type tailEntry struct {
	At      time.Time       `json:"at"`
	Type    string          `json:"type"`
	Version int             `json:"version"`
	Known   bool            `json:"known"`
	Outcome string          `json:"outcome"`
	Status  string          `json:"status,omitempty"`
	Message string          `json:"message,omitempty"`
	Keyword string          `json:"keyword,omitempty"`
	Path    string          `json:"path,omitempty"`
	Size    int             `json:"size"`
	Data    json.RawMessage `json:"data"`
}

// tail fans sampled frames out to the streams that asked for them. With
// nobody watching, the tap pays one atomic load per frame; with someone,
// one more while this tick's budget is spent (the frame is sampled out)
// and an entry's making and sending while it is not. The budget is
// refilled by a ticker that runs only while someone watches, so no frame
// reads the clock to learn whether it may be shown.
type tail struct {
	watchers atomic.Int32
	budget   atomic.Int64
	mu       sync.RWMutex
	subs     map[*subscriber]struct{}
	rate     int
	// every and perTick are the refill: rate entries a second, in ticks
	// of about a tenth of a second (perTick entries each).
	every   time.Duration
	perTick int64
	stop    chan struct{} // ends the refill; nil while nobody watches
}

// subscriber is one stream's queue; offered counts the entries made for
// it (sent or lost) and dropped those it lost to a full queue; since is
// the console's frame count when it came, from which the stream tells
// how many frames the tail rate left out.
type subscriber struct {
	ch      chan tailEntry
	offered atomic.Uint64
	dropped atomic.Uint64
	since   uint64
}

func newTail(rate int) *tail {
	rate = max(rate, 1)
	// Ten ticks a second of rate/10 would show 10 a second for a rate of
	// 19; instead the tick's length follows its whole budget, so that
	// perTick per tick is rate a second (15: 2 every 133 ms; 5: 1 every 200 ms).
	perTick := (rate + 9) / 10
	return &tail{subs: map[*subscriber]struct{}{}, rate: rate, every: time.Second * time.Duration(perTick) / time.Duration(rate),
		perTick: int64(perTick)}
}

func (t *tail) watched() bool { return t.watchers.Load() > 0 }

// take reports whether this frame is shown: the budget is not spent.
func (t *tail) take() bool { return t.budget.Load() > 0 && t.budget.Add(-1) >= 0 }

func (t *tail) subscribe(since uint64) *subscriber {
	s := &subscriber{ch: make(chan tailEntry, subscriberQueue), since: since}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.subs[s] = struct{}{}
	t.watchers.Store(int32(len(t.subs)))
	if t.stop == nil {
		t.budget.Store(t.perTick)
		t.stop = make(chan struct{})
		go t.refill(t.stop)
	}
	return s
}

func (t *tail) unsubscribe(s *subscriber) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.subs, s)
	t.watchers.Store(int32(len(t.subs)))
	if len(t.subs) == 0 && t.stop != nil {
		close(t.stop)
		t.stop = nil
	}
}

func (t *tail) refill(stop <-chan struct{}) {
	tick := time.NewTicker(t.every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			t.budget.Store(t.perTick)
		}
	}
}

// offer sends the frame's entry to every subscriber without waiting: a
// full queue loses it (counted).
func (t *tail) offer(now time.Time, key event.Key, known bool, frame []byte, err *status.Error, outcome int, showData bool) {
	e := tailEntry{At: now, Type: clip(key.Type, maxTypeLen), Version: key.Version, Known: known,
		Outcome: outcomeNames[outcome], Size: len(frame), Data: preview(frame, maxTailBytes, showData)}
	if err = keptError(err, showData); err != nil {
		e.Status, e.Message = err.Status(), err.Message
		if len(err.Details) > 0 {
			d := err.Details[0]
			e.Keyword, e.Path, e.Message = status.Keyword(d.KeywordLocation), d.InstanceLocation, d.Message
		} else {
			e.Keyword = refusalKeyword(err)
		}
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for s := range t.subs {
		s.offered.Add(1)
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
}
