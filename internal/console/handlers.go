package console

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// overview is what the overview shows, and the stream sends each second.
type overview struct {
	Time        time.Time         `json:"time"`
	Frames      map[string]uint64 `json:"frames"` // totals since start; the page takes the rate
	Connections map[string]int    `json:"connections,omitempty"`
	Ready       string            `json:"ready"`
	Reload      any               `json:"reload"`
	Schemas     []schemaVersions  `json:"schemas"`
	Tail        tailCounts        `json:"tail"`
	Settings    settings          `json:"settings"`
}

type schemaVersions struct {
	Type     string `json:"type"`
	Versions []int  `json:"versions"`
}

type tailCounts struct {
	Watchers int32 `json:"watchers"`
}

type settings struct {
	AllowSend     bool `json:"allow_send"`
	ShowData      bool `json:"show_data"`
	WindowMinutes int  `json:"window_minutes"`
	Auth          bool `json:"auth"`
	TailRate      int  `json:"tail_rate"`
}

func (c *Console) overview() overview {
	v := overview{Time: c.o.Now(), Frames: map[string]uint64{}, Ready: "ready", Reload: "n/a",
		Schemas: c.schemaVersions(),
		Tail:    tailCounts{Watchers: c.tail.watchers.Load()},
		Settings: settings{AllowSend: c.o.Send != nil, ShowData: c.o.Config.ShowData, WindowMinutes: c.rejects.minutes,
			Auth: c.o.AuthEnabled, TailRate: c.tail.rate}}
	for i := range c.frames {
		v.Frames[outcomeNames[i]] = c.frames[i].Load()
	}
	if c.o.Connections != nil {
		v.Connections = c.o.Connections()
	}
	if c.o.Ready != nil {
		if err := c.o.Ready(); err != nil {
			v.Ready = err.Error()
		}
	}
	if c.o.Reload != nil {
		v.Reload = c.o.Reload()
	}
	return v
}

func (c *Console) schemaVersions() []schemaVersions {
	var out []schemaVersions
	for _, s := range c.o.Registry.Schemas() { // ordered by type, then version
		if n := len(out); n > 0 && out[n-1].Type == s.Type {
			out[n-1].Versions = append(out[n-1].Versions, s.Version)
			continue
		}
		out = append(out, schemaVersions{Type: s.Type, Versions: []int{s.Version}})
	}
	return out
}

// Overview serves GET /ui/api/overview.
func (c *Console) Overview(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, c.overview())
}

// Rejects serves GET /ui/api/rejects: the groups of the window.
func (c *Console) Rejects(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, c.rejects.snapshot(c.o.Now()))
}

// sampleView is a sample as the page shows it: the frame (or its shape)
// and the error the client got, in full.
type sampleView struct {
	At        time.Time       `json:"at"`
	Type      string          `json:"type"`
	Version   int             `json:"version"`
	Frame     json.RawMessage `json:"frame"`
	Truncated int             `json:"truncated,omitempty"`
	Error     *status.Error   `json:"error"`
}

// samplesResponse is a reject group's key and its sample frames.
type samplesResponse struct {
	Group   groupKey     `json:"group"`
	Samples []sampleView `json:"samples"`
}

// Samples serves GET /ui/api/rejects/{id}: a group's sample frames.
func (c *Console) Samples(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	key, samples, ok := c.rejects.samplesOf(id)
	if err != nil || !ok {
		writeError(w, status.New(codes.NotFound, "no such reject group (it may have left the window)"))
		return
	}
	views := make([]sampleView, 0, len(samples))
	for _, s := range samples {
		v := sampleView{At: s.At, Type: clip(s.Key.Type, maxTypeLen), Version: s.Key.Version, Truncated: s.Truncated, Error: s.Err}
		v.Frame = s.Frame // a shape, already JSON
		if c.o.Config.ShowData {
			v.Frame = preview(s.Frame, maxSampleBytes, true) // cut frames show as text
		}
		views = append(views, v)
	}
	writeJSON(w, http.StatusOK, samplesResponse{Group: key, Samples: views})
}

// lazyJSON computes a value once, on first use.
type lazyJSON struct {
	once  sync.Once
	build func() any
	v     any
}

func (l *lazyJSON) get() any {
	l.once.Do(func() {
		if l.build != nil {
			l.v = l.build()
		}
	})
	return l.v
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, status.Wrap(codes.Internal, err, "internal error"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, e *status.Error) {
	w.Header().Set("Cache-Control", "no-store")
	status.WriteHTTP(w, e.HTTPStatus(), e)
}
