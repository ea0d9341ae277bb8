package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// httpTransport posts each frame to the gateway's HTTP API; concurrent
// calls are concurrent requests.
type httpTransport struct {
	url    string
	header http.Header
	hc     *http.Client
}

func newHTTPTransport(url string, h http.Header, bare bool) *httpTransport {
	if !bare && !strings.Contains(url, "/v1/events") {
		url = strings.TrimSuffix(url, "/") + "/v1/events"
	}
	return &httpTransport{url: url, header: h, hc: &http.Client{}}
}

func (t *httpTransport) roundTrip(ctx context.Context, _ key, frame []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(frame))
	if err != nil {
		return nil, err
	}
	for k, v := range t.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unavailable(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, unavailable(err)
	}
	if len(body) == 0 || body[0] != '{' {
		if resp.StatusCode >= 500 {
			return nil, unavailable(fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(body)))
		}
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("client: %s: %s", resp.Status, bytes.TrimSpace(body))
		}
	}
	return body, nil
}

func (t *httpTransport) close() error {
	t.hc.CloseIdleConnections()
	return nil
}
