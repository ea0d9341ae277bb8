package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
)

// reloadApp builds the gateway for cfg and reloads it from *next.
func reloadApp(t *testing.T, cfg config.Config, next *config.Config) *app {
	t.Helper()
	a := buildApp(t, cfg)
	a.reloads.load = func() (config.Config, error) { return *next, nil }
	return a
}

// An outbox holds its file, so a reload that changes its settings on the
// same file keeps the running outbox and says a restart applies the
// change; the rest of the reload applies, and the kept outbox still takes
// events on the new generation.
func TestReloadKeepsAnOutboxOnItsFile(t *testing.T) {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(receiver.Close)
	cfg := repoConfig(t)
	cfg.GRPC.Listen = ""
	hook := config.Action{Kind: "webhook", Webhook: config.Webhook{URL: receiver.URL, Timeout: time.Second, Delivery: "outbox",
		Outbox: config.Outbox{Path: filepath.Join(t.TempDir(), "hook.db")}}}
	cfg.Actions = map[string]config.Action{"hook": hook}
	cfg.Routes = []config.Route{{Type: "person", Version: 1, Actions: []string{"hook"}}}
	next := cfg
	changed := hook
	changed.Timeout = 2 * time.Second
	next.Actions = map[string]config.Action{"hook": changed}
	next.HTTP.MaxBatch = 7 // reloadable
	a := reloadApp(t, cfg, &next)
	before := a.gen.Load().sinks["hook"]

	rep := a.reload(context.Background(), "test")
	if !rep.Applied || !slices.Equal(rep.RestartRequired, []string{"actions.hook"}) {
		t.Fatalf("reload: %+v", rep)
	}
	g := a.gen.Load()
	if g.sinks["hook"] != before || g.cfg.HTTP.MaxBatch != 7 {
		t.Fatalf("the outbox was not kept, or the rest was not applied")
	}
	frame := []byte(`{"id":"k1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`)
	if out := a.pipe.Envelope(context.Background(), frame, time.Now(), nil); out.Code != codes.OK {
		t.Fatalf("a frame through the kept outbox: %s", out.Reply)
	}
}

// A route whose candidate version the tree lacks is refused at its place
// in the file, and nothing changes.
func TestReloadNamesAMissingCandidate(t *testing.T) {
	cfg := repoConfig(t)
	cfg.GRPC.Listen = ""
	next := cfg
	next.Routes = []config.Route{{Type: "person", Version: 1, Candidate: 9}}
	a := reloadApp(t, cfg, &next)
	a.reloads.file = "config.yaml"
	before := a.gen.Load()
	rep := a.reload(context.Background(), "test")
	if rep.Applied || len(rep.Problems) != 1 || rep.Problems[0].String() != "config.yaml#/routes/0/candidate: no schema person v9 in "+cfg.Schemas.Dir {
		t.Fatalf("reload: %+v", rep)
	}
	if a.gen.Load() != before {
		t.Fatal("a refused reload changed the generation in force")
	}
}

// Each generation with a candidate route runs a judge goroutine; a reload
// must stop the replaced one, or every SIGHUP would leak a goroutine (and
// the pipeline it holds). After ten reloads exactly one judge runs, and
// after close none.
func TestReloadStopsTheReplacedJudge(t *testing.T) {
	cfg := repoConfig(t)
	cfg.GRPC.Listen = ""
	cfg.Routes = []config.Route{{Type: "person", Version: 1, Candidate: 2}}
	a := reloadApp(t, cfg, &cfg)
	for i := range 10 {
		if rep := a.reload(context.Background(), "test"); !rep.Applied {
			t.Fatalf("reload %d: %+v", i, rep)
		}
	}
	waitJudges(t, 1)
	if err := a.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJudges(t, 0)
}

// waitJudges waits until want candidate judges run in the process; a
// stopped judge's goroutine may take a moment to be gone.
func waitJudges(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		got := strings.Count(string(buf[:n]), "pipeline.(*judge).run(")
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d candidate judges running, want %d", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
