package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// Webhooks is what the admin API asks of the webhook endpoints; the
// server wires its outboxes behind it. Errors are *status.Error values
// (NOT_FOUND for an unknown endpoint, FAILED_PRECONDITION for one that has
// no outbox).
type Webhooks interface {
	// List describes every endpoint; it is sent as JSON.
	List() any
	// Replay queues again the endpoint's delivered and dead events
	// acknowledged since (zero: any time), only id when set.
	Replay(ctx context.Context, endpoint string, since time.Time, id string) (int, error)
	// Enable resumes an endpoint a 410 disabled, saying whether it was.
	Enable(ctx context.Context, endpoint string) (bool, error)
}

func (a *API) listWebhooks(w http.ResponseWriter, _ *http.Request) {
	a.answerJSON(w, map[string]any{"webhooks": a.o.Webhooks.List()}, nil)
}

// replayWebhook is POST /v1/admin/webhooks/{name}/replay?since=RFC3339&id=ID.
func (a *API) replayWebhook(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if s := r.URL.Query().Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeError(w, status.Newf(codes.InvalidArgument, "since %q is not an RFC 3339 time", s))
			return
		}
		since = t
	}
	n, err := a.o.Webhooks.Replay(r.Context(), r.PathValue("name"), since, r.URL.Query().Get("id"))
	a.answerJSON(w, map[string]int{"replayed": n}, err)
}

func (a *API) enableWebhook(w http.ResponseWriter, r *http.Request) {
	was, err := a.o.Webhooks.Enable(r.Context(), r.PathValue("name"))
	a.answerJSON(w, map[string]bool{"was_disabled": was}, err)
}

func (a *API) answerJSON(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeError(w, status.From(err))
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, status.Wrap(codes.Internal, err, "cannot encode the answer"))
		return
	}
	writeJSON(w, http.StatusOK, "application/json", b)
}
