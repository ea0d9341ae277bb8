package ws

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
	"github.com/schemagate/schemagate/internal/webguard"
)

// handleFunc turns a frame, read at received, into its reply appended to
// dst.
type handleFunc func(ctx context.Context, frame []byte, received time.Time, dst []byte) []byte

// refuseFunc answers a frame that is not processed (rate limit) with err.
type refuseFunc func(frame, dst []byte, err *status.Error) []byte

func (s *Server) upgradeHandler(handle handleFunc, refuse refuseFunc) http.Handler {
	up := s.upgrader()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.admit(r); err != nil {
			s.refuseUpgrade(w, err)
			return
		}
		if c := s.accept(up, w, r, handle, refuse); c != nil {
			// A fresh goroutine, and the handler returns: the HTTP
			// server's goroutine, its grown stack and its 8 KB of
			// buffers, which a hijacked connection never uses again, are
			// freed rather than held for the connection's life. That is
			// most of an idle connection's memory.
			go c.run()
		}
	})
}

// accept upgrades an admitted request and tracks its connection; the slot
// admit reserved is released here on every failure. A nil conn means the
// request has been answered already.
func (s *Server) accept(up *websocket.Upgrader, w http.ResponseWriter, r *http.Request, h handleFunc, rf refuseFunc) *conn {
	wsConn, t, err := s.upgrade(up, w, r)
	if err != nil {
		s.count.Add(-1)
		return nil // the upgrader has answered already
	}
	c := newConn(s, wsConn, t, h, rf)
	if !s.track(c) {
		s.count.Add(-1)
		c.closeNow(websocket.CloseGoingAway, "server is shutting down")
		return nil
	}
	s.o.Metrics.ConnOpened()
	return c
}

// refuseUpgrade answers a refused upgrade and counts it.
func (s *Server) refuseUpgrade(w http.ResponseWriter, e *status.Error) {
	s.o.Metrics.UpgradeRejected(reasonForStatus(e.HTTPStatus()))
	writeError(w, e)
}

// admit refuses an upgrade before any WebSocket work is done: draining,
// full, or not authorized. Origin is checked by the upgrader (403).
func (s *Server) admit(r *http.Request) *status.Error {
	if s.draining.Load() {
		return status.New(codes.Unavailable, "server is shutting down")
	}
	if s.o.Authorize != nil {
		if err := s.o.Authorize(r); err != nil {
			return status.From(err)
		}
	}
	// Reserve the slot now, so that concurrent upgrades cannot overshoot.
	for {
		n := s.count.Load()
		if n >= int64(s.o.MaxConnections) {
			return status.New(codes.Unavailable, "too many connections")
		}
		if s.count.CompareAndSwap(n, n+1) {
			return nil
		}
	}
}

// checkOrigin is the one origin rule of every front door: no Origin,
// same-origin, or the allow-list.
func (s *Server) checkOrigin(r *http.Request) bool {
	return webguard.OriginAllowed(r, s.o.AllowedOrigins)
}

// writeError answers a refused upgrade with the same error body the API
// uses, so that a client sees one error shape everywhere.
func writeError(w http.ResponseWriter, e *status.Error) {
	status.WriteHTTP(w, e.HTTPStatus(), e)
}

func reasonForStatus(httpStatus int) string {
	switch httpStatus {
	case http.StatusUnauthorized:
		return telemetry.RejectUnauthenticated
	case http.StatusForbidden:
		return telemetry.RejectOrigin
	case http.StatusServiceUnavailable:
		return telemetry.RejectUnavailable
	}
	return telemetry.RejectBadRequest
}
