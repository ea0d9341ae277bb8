package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/whsign"
)

// message is what a webhook sends for one event: the body and the
// fields its headers carry. The outbox stores it as is, so a resend is
// byte for byte the first send.
type message struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Version int             `json:"version"`
	Body    json.RawMessage `json:"body"` // raw, not base64: the outbox stores it as is
}

func newMessage(ev event.Event) (message, error) {
	body, err := RecordBody(ev)
	if err != nil {
		return message{}, err
	}
	return message{ID: ev.ID, Type: ev.Key.Type, Version: ev.Key.Version, Body: body}, nil
}

// poster makes single attempts at delivering a message: the request, its
// headers and signature, the timeout, and what the answer was.
type poster struct {
	url     string
	timeout time.Duration
	extra   http.Header    // the configured headers, keys canonical
	signer  *whsign.Signer // nil: unsigned
	client  *http.Client
	direct  *direct // nil: the client sends
	// scratch holds *[]byte: room for the header values built per
	// delivery, reused, since a buffer of the attempt's own would go to
	// the heap with every delivery (the direct sender's writes take it).
	scratch sync.Pool
}

// The canonical spellings of the headers every delivery carries, so that a
// request's header map is filled without canonicalising a key per attempt
// (TestHeaderKeysAreCanonical checks them).
const (
	keyContentType  = "Content-Type"
	keyIdempotency  = "Idempotency-Key"
	keyID           = "Webhook-Id"
	keyTimestamp    = "Webhook-Timestamp"
	keySignature    = "Webhook-Signature"
	keyEventType    = "Webhook-Event-Type"
	keyEventVersion = "Webhook-Event-Version"
)

// newPoster sends with a copy of client (a fresh one if nil; without a
// transport, it gets one of its own that keeps as many idle connections
// per host as the direct sender). The copy follows only redirects that
// keep the method POST (307, 308): following a 301, 302 or 303 turns the
// POST into a GET without the event, whose 2xx would count as delivered.
func newPoster(cfg WebhookConfig, client *http.Client) (*poster, error) {
	p := &poster{url: cfg.URL, timeout: cfg.Timeout, extra: make(http.Header, len(cfg.Headers)), client: &http.Client{}}
	for k, v := range cfg.Headers {
		p.extra.Set(k, v)
	}
	p.timeout = config.OrDefault(p.timeout, config.DefaultWebhookTimeout)
	if len(cfg.Secrets) > 0 {
		s, err := whsign.NewSigner(cfg.Secrets)
		if err != nil {
			return nil, status.Wrap(codes.InvalidArgument, err, "webhook: "+err.Error())
		}
		p.signer = s
	}
	if client != nil {
		*p.client = *client
	}
	p.client.CheckRedirect = keepPost
	p.direct = newDirect(p.url, p.client, p.extra)
	if t, ok := http.DefaultTransport.(*http.Transport); ok && p.client.Transport == nil {
		// The default transport keeps two idle connections per host: with
		// more outbox lanes or sync producers than that, every further
		// delivery to an https receiver would dial and handshake anew.
		t = t.Clone()
		t.MaxIdleConnsPerHost = maxIdleDirect
		p.client.Transport = t
	}
	return p, nil
}

// own tells the poster that ctx ends only as its owner closes, so that
// attempts under ctx need no watch of their own (see direct.own).
func (p *poster) own(ctx context.Context) {
	if p.direct != nil {
		p.direct.own(ctx)
	}
}

// closeIdle closes the connections kept for the next attempt.
func (p *poster) closeIdle() {
	p.client.CloseIdleConnections()
	if p.direct != nil {
		p.direct.close()
	}
}

func keepPost(req *http.Request, via []*http.Request) error {
	if req.Method != http.MethodPost || len(via) >= 10 {
		return http.ErrUseLastResponse
	}
	return nil
}

// answer is the outcome of one attempt: Code is the HTTP status (0 when
// none came back), Err describes a failure, RetryAfter is the receiver's
// Retry-After (0 if none or unreadable).
type answer struct {
	Code       int
	Err        error
	RetryAfter time.Duration
	Canceled   bool // ctx ended: the attempt says nothing about the receiver
	TimedOut   bool
	BadURL     bool // no request could be made; no retry fixes that
}

// attempt POSTs msg once, within the per-attempt timeout.
func (p *poster) attempt(ctx context.Context, msg message) answer {
	start := time.Now()
	// The direct sender writes the fields out from here, with no header
	// map; fa holds the usual few on the stack.
	bp, _ := p.scratch.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer p.scratch.Put(bp)
	var fa [8]field
	fs, buf := p.fields(fa[:0], (*bp)[:0], msg, start)
	*bp = buf
	if p.direct == nil {
		return p.send(ctx, p.url, headerOf(fs), msg.Body, start.Add(p.timeout))
	}
	a, loc := p.direct.post(ctx, fs, msg.Body, p.timeout)
	if loc == nil {
		return a
	}
	h := headerOf(fs)
	if loc.Host != p.direct.url.Host {
		// What the client drops when a redirect leaves the host.
		for _, k := range []string{"Authorization", "Www-Authenticate", "Cookie", "Cookie2"} {
			delete(h, k)
		}
	}
	return p.send(ctx, loc.String(), h, msg.Body, start.Add(p.timeout))
}

// send POSTs through the client, which follows 307 and 308.
func (p *poster) send(ctx context.Context, url string, h http.Header, body []byte, deadline time.Time) answer {
	actx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return answer{Err: err, BadURL: true}
	}
	req.Header = h
	resp, err := p.client.Do(req)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return answer{Err: err, Canceled: true}
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return answer{Err: fmt.Errorf("no answer within %s", p.timeout), TimedOut: true}
	default:
		return answer{Err: err}
	}
	defer resp.Body.Close()
	a, _ := settle(resp)
	return a
}

// field is one header field of a delivery: its canonical key and its
// value, a string, or bytes for what is built per delivery (the version,
// the timestamp, the signature).
type field struct {
	key string
	str string
	raw []byte
}

func (f field) value() string {
	if f.raw != nil {
		return string(f.raw)
	}
	return f.str
}

// fields appends a delivery's header fields to fs, building the values
// that are not strings already at the end of buf (returned grown): the defaults, the
// signature, then the configured headers, which override either. Keys are
// canonical already. The event id goes as its whsign.WebhookID.
func (p *poster) fields(fs []field, buf []byte, msg message, now time.Time) ([]field, []byte) {
	add := func(k, s string, raw []byte) {
		if _, overridden := p.extra[k]; !overridden {
			fs = append(fs, field{key: k, str: s, raw: raw})
		}
	}
	// Every delivery path (direct, client, NATS, replay) builds its
	// headers here, so the id the receiver reads is the one signed.
	id := whsign.WebhookID(msg.ID)
	add(keyContentType, "application/json", nil)
	add(keyIdempotency, id, nil)
	add(keyID, id, nil)
	add(keyEventType, msg.Type, nil)
	n := len(buf)
	buf = strconv.AppendInt(buf, int64(msg.Version), 10)
	add(keyEventVersion, "", buf[n:len(buf):len(buf)])
	if p.signer != nil {
		// The timestamp is the attempt's, not the event's, as the spec
		// says: a receiver refuses one far from its clock, which is what
		// stops a captured delivery from being replayed later.
		n = len(buf)
		buf = strconv.AppendInt(buf, now.Unix(), 10)
		add(keyTimestamp, "", buf[n:len(buf):len(buf)])
		n = len(buf)
		buf = p.signer.AppendSign(buf, id, now, msg.Body)
		add(keySignature, "", buf[n:len(buf):len(buf)])
	}
	for k, vs := range p.extra {
		for _, v := range vs {
			fs = append(fs, field{key: k, str: v})
		}
	}
	return fs, buf
}

// headerOf makes fields a header map, every value's slice sharing one
// backing array.
func headerOf(fs []field) http.Header {
	h := make(http.Header, len(fs))
	vals := make([]string, 0, len(fs))
	for _, f := range fs {
		if old := h[f.key]; old != nil {
			h[f.key] = append(old, f.value()) // its capacity is its length: a copy
			continue
		}
		vals = append(vals, f.value())
		h[f.key] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	return h
}

// settle reads an answer from resp: its status, Retry-After, and for a
// refusal the start of its body, which explains it in the logs. Reading
// the body (up to 64 KiB) lets the connection be reused; drained says the
// body was read to its end.
func settle(resp *http.Response) (a answer, drained bool) {
	var buf [512]byte
	n, err := io.ReadFull(resp.Body, buf[:])
	drained = errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err == nil {
		m, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		drained = err == nil && m < 64<<10
	}
	a = answer{Code: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	if !ok2xx(a.Code) {
		a.Err = fmt.Errorf("HTTP %d: %q", a.Code, buf[:n])
	}
	return a, drained
}

func ok2xx(code int) bool { return code >= 200 && code < 300 }

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// syncAttempt makes one attempt for a caller waiting on it, and says
// whether a failure is worth retrying.
func (p *poster) syncAttempt(ctx context.Context, msg message) (retry bool, err error) {
	a := p.attempt(ctx, msg)
	switch {
	case a.Canceled:
		return false, status.Unavailable(a.Err, "gave up delivering to the webhook")
	case a.TimedOut:
		return true, status.Unavailable(a.Err, fmt.Sprintf("webhook did not answer within %s", p.timeout))
	case a.BadURL:
		return false, status.Wrap(codes.FailedPrecondition, a.Err, "webhook URL is not usable")
	case a.Code == 0:
		return true, status.Unavailable(a.Err, "webhook unreachable")
	}
	return classify(a.Code, a.Err)
}

// classify turns an HTTP answer into nil or an error, and whether a resend
// may succeed.
func classify(code int, cause error) (retry bool, err error) {
	switch {
	case ok2xx(code):
		return false, nil
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return true, status.Unavailable(cause, fmt.Sprintf("webhook answered %d; try again", code))
	default:
		return false, status.Wrap(codes.FailedPrecondition, cause, fmt.Sprintf("webhook refused the event with %d", code))
	}
}
