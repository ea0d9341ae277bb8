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
// nobody watching, the tap pays one atomic load per frame.
type tail struct {
	watchers atomic.Int32
	mu       sync.RWMutex
	subs     map[*subscriber]struct{}
	rate     int64
	second   atomic.Int64 // the Unix second being counted
	inSecond atomic.Int64 // frames offered in it
	sampled  atomic.Uint64
}

// subscriber is one stream's queue; dropped counts what it lost to a
// full queue.
type subscriber struct {
	ch      chan tailEntry
	dropped atomic.Uint64
}

func newTail(rate int) *tail {
	return &tail{subs: map[*subscriber]struct{}{}, rate: int64(max(rate, 1))}
}

func (t *tail) watched() bool { return t.watchers.Load() > 0 }

func (t *tail) subscribe() *subscriber {
	s := &subscriber{ch: make(chan tailEntry, subscriberQueue)}
	t.mu.Lock()
	t.subs[s] = struct{}{}
	t.watchers.Store(int32(len(t.subs)))
	t.mu.Unlock()
	return s
}

func (t *tail) unsubscribe(s *subscriber) {
	t.mu.Lock()
	delete(t.subs, s)
	t.watchers.Store(int32(len(t.subs)))
	t.mu.Unlock()
}

// offer shows the frame to every subscriber, unless this second's share
// (the tail rate) is spent, in which case it is counted as sampled out.
// The count per second is approximate under races, which only moves
// where the sampling starts.
func (t *tail) offer(now time.Time, key event.Key, known bool, frame []byte, err *status.Error, outcome int, showData bool) {
	sec := now.Unix()
	if t.second.Load() != sec {
		t.second.Store(sec)
		t.inSecond.Store(0)
	}
	if t.inSecond.Add(1) > t.rate {
		t.sampled.Add(1)
		return
	}
	e := tailEntry{At: now, Type: clip(key.Type, maxTypeLen), Version: key.Version, Known: known,
		Outcome: outcomeNames[outcome], Size: len(frame), Data: preview(frame, maxTailBytes, showData)}
	if err != nil {
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
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
