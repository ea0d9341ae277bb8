package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/httpapi"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/validate"
)

// receipts records each event's receipt and when its action returned.
type receipts struct {
	mu             sync.Mutex
	received, done []time.Time
}

func (r *receipts) Do(_ context.Context, ev event.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.received = append(r.received, ev.Received)
	r.done = append(r.done, time.Now())
	return nil
}
func (r *receipts) Close(context.Context) error { return nil }

// An item of a batch is received when its turn comes, after the items
// before it were judged, and the pipeline's time counts from there: from
// the batch's receipt, item i's time would include the i items before it,
// and a batch into a slow sink would fill the latency histogram's top.
func TestBatchItemsAreReceivedInTurn(t *testing.T) {
	reg, err := validate.Load(validate.Options{Dir: "testdata/schemas", AssertFormat: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &receipts{}
	b := pipeline.NewBuilder(reg)
	b.Route(pipeline.Route{Key: event.Key{Type: "person", Version: 1}, Actions: []pipeline.NamedAction{{Name: "rec", Action: rec}}})
	p, err := b.Build(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(p, reg, httpapi.Options{MaxBody: testMaxBody, MaxBatch: testMaxBatch, RequestTimeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	items := []string{envelope("1", "person", 1, john), envelope("2", "person", 1, john), envelope("3", "person", 1, john)}
	resp, err := http.Post(srv.URL+"/v1/events", "application/json", strings.NewReader("["+strings.Join(items, ",")+"]"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(rec.received) != len(items) {
		t.Fatalf("status %d, %d events recorded, want 200 and %d", resp.StatusCode, len(rec.received), len(items))
	}
	for i := 1; i < len(items); i++ {
		if rec.received[i].Before(rec.done[i-1]) {
			t.Errorf("item %d received at %v, before item %d was done at %v", i, rec.received[i], i-1, rec.done[i-1])
		}
	}
}
