package console

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/validate"
)

const (
	// maxTryBody bounds a try or send request.
	maxTryBody = 1 << 20
	// sendTimeout bounds a frame sent for real (its handler and actions).
	sendTimeout = 30 * time.Second
)

// tryRequest is a frame to judge: data as text (so that text that is not
// JSON can be tried too), a type and the versions to judge it against.
type tryRequest struct {
	Type     string `json:"type"`
	Versions []int  `json:"versions"`
	Data     string `json:"data"`
}

// verdict is one version's answer: the reply the server would send for
// this data on its bare route (POST /v1/events/{type}/v{version}), and
// that route's HTTP status.
type verdict struct {
	Version    int             `json:"version"`
	OK         bool            `json:"ok"`
	HTTPStatus int             `json:"http_status"`
	Reply      json.RawMessage `json:"reply"`
}

// tryResponse answers a try: the verdicts in the order of the request's
// versions.
type tryResponse struct {
	Type     string    `json:"type"`
	Verdicts []verdict `json:"verdicts"`
}

// Try serves POST /ui/api/try: the data judged against each version,
// with the validator and the reply builder every door uses. Nothing is
// sent: handlers and actions do not run.
func (c *Console) Try(w http.ResponseWriter, r *http.Request) {
	var req tryRequest
	if e := readRequest(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	if len(req.Versions) == 0 || len(req.Versions) > 4 {
		writeError(w, status.New(codes.InvalidArgument, "pick one to four versions"))
		return
	}
	out := make([]verdict, 0, len(req.Versions))
	for _, v := range req.Versions {
		out = append(out, c.judge(event.Key{Type: req.Type, Version: v}, []byte(req.Data)))
	}
	writeJSON(w, http.StatusOK, tryResponse{Type: req.Type, Verdicts: out})
}

func (c *Console) judge(k event.Key, data []byte) verdict {
	var err *status.Error
	if s, ok := c.o.Registry.Lookup(k); ok {
		err, _ = s.Judge(data, c.o.MaxDepth)
	} else {
		err = validate.NoSchema(k)
	}
	v := verdict{Version: k.Version, OK: err == nil, HTTPStatus: http.StatusOK, Reply: status.AppendBareReply(nil, nil, err)}
	if err != nil {
		v.HTTPStatus = err.HTTPStatus()
	}
	return v
}

// sendRequest is a frame to send for real.
type sendRequest struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
	Data    string `json:"data"`
}

// Send serves POST /ui/api/send when console.allow_send is on: the data
// goes through the pipeline as a bare frame of (type, version), handler
// and actions included, and the reply is the pipeline's.
func (c *Console) Send(w http.ResponseWriter, r *http.Request) {
	if c.o.Send == nil {
		writeError(w, status.New(codes.PermissionDenied, "the console is read-only (console.allow_send is off)"))
		return
	}
	var req sendRequest
	if e := readRequest(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sendTimeout)
	defer cancel()
	out := c.o.Send.Bare(ctx, event.Key{Type: req.Type, Version: req.Version}, []byte(req.Data), time.Now(), nil, false)
	writeJSON(w, http.StatusOK, verdict{Version: req.Version, OK: out.Code == codes.OK,
		HTTPStatus: status.HTTPStatus(out.Code), Reply: out.Reply})
}

// readRequest decodes a JSON request body of at most maxTryBody bytes.
func readRequest(w http.ResponseWriter, r *http.Request, v any) *status.Error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTryBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return status.Newf(codes.ResourceExhausted, "the request is over %d bytes", maxTryBody)
		}
		return status.Wrap(codes.InvalidArgument, err, "the request could not be read")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return status.New(codes.InvalidArgument, "the request is not the JSON the console sends: "+err.Error())
	}
	return nil
}

// SendThrough lets the console send tried frames for real through p
// (console.allow_send). Call it before serving.
func (c *Console) SendThrough(p Sender) { c.o.Send = p }
