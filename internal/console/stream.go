package console

import (
	"encoding/json"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

const (
	// overviewEvery is how often a stream sends the overview and groups.
	overviewEvery = time.Second
	// tailEvery is how often a stream sends what the tail collected.
	tailEvery = 250 * time.Millisecond
	// streamWriteTimeout bounds one write to a stream; each write sets
	// its own deadline, so http.write_timeout does not end a stream.
	streamWriteTimeout = 10 * time.Second
)

// tailBatch is what the tail collected for one stream since its last send.
type tailBatch struct {
	Entries []tailEntry `json:"entries"`
	Dropped uint64      `json:"dropped"`     // lost to this stream's full queue, since it began
	Sampled uint64      `json:"sampled_out"` // left out by the tail rate, since it began
}

// Stream serves GET /ui/api/stream: server-sent events, read by the page
// with fetch so that it can send the Authorization header. Every second
// an "overview" and a "rejects" event; with ?tail=1, a "tail" event with
// the frames the tail collected. It ends when the client goes or the
// console closes (drain). Past console.max_streams open at once it is
// 429: each stream costs a goroutine, a tail queue and a snapshot a second.
func (c *Console) Stream(w http.ResponseWriter, r *http.Request) {
	if limit := max(c.o.Config.MaxStreams, 1); c.streams.Add(1) > int32(limit) {
		c.streams.Add(-1)
		w.Header().Set("Retry-After", "5")
		writeError(w, status.Newf(codes.ResourceExhausted, "console.max_streams (%d) streams are open already", limit))
		return
	}
	defer c.streams.Add(-1)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var sub *subscriber
	if r.URL.Query().Get("tail") == "1" {
		sub = c.tail.subscribe(c.frameCount())
		defer c.tail.unsubscribe(sub)
	}
	send := func(name string, v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			return false
		}
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := w.Write([]byte("event: " + name + "\ndata: ")); err != nil {
			return false
		}
		if _, err := w.Write(append(b, '\n', '\n')); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	sendState := func() bool {
		return send("overview", c.overview()) && send("rejects", c.rejects.snapshot(c.o.Now()))
	}
	if !sendState() {
		return
	}
	state := time.NewTicker(overviewEvery)
	defer state.Stop()
	var tailTick <-chan time.Time
	if sub != nil {
		t := time.NewTicker(tailEvery)
		defer t.Stop()
		tailTick = t.C
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.closing:
			return
		case <-state.C:
			if !sendState() {
				return
			}
		case <-tailTick:
			if b := c.drain(sub); len(b.Entries) > 0 && !send("tail", b) {
				return
			}
		}
	}
}

// drain takes what waits in sub's queue, without waiting for more.
func (c *Console) drain(sub *subscriber) tailBatch {
	b := tailBatch{Dropped: sub.dropped.Load()}
	if seen, offered := c.frameCount()-sub.since, sub.offered.Load(); seen > offered {
		b.Sampled = seen - offered // approximate: a frame is counted before it is offered
	}
	for {
		select {
		case e := <-sub.ch:
			b.Entries = append(b.Entries, e)
		default:
			return b
		}
	}
}
