package ws

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
)

// Feed is where a subscription's events come from (natsbus.Hub).
type Feed interface {
	// Subscribe calls deliver with the frame of each event of types until
	// cancel is called; once cancel returns, deliver is not called again.
	// deliver never blocks.
	Subscribe(types []string, deliver func(frame []byte)) (cancel func())
}

// maxSubscribedTypes bounds the types one subscription may name.
const maxSubscribedTypes = 64

// SubscribeHandler serves the fan-out: GET <path>?types=person,order.placed
// upgrades (origin, auth and the connection limit as on /ws) and then
// sends one text frame {"event":{"id","type","version","data"}} per event
// of those types that feed has. Types outside allowed ("*": any) get 403
// at the upgrade. Frames from the client are read, so pings and closes
// work, and otherwise ignored. A subscriber whose send queue fills is
// closed with 1008 at once: waiting for it would hold up every other one.
func (s *Server) SubscribeHandler(feed Feed, allowed []string) http.Handler {
	up := s.upgrader()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		types, err := s.admitSubscriber(r, allowed)
		if err != nil {
			s.refuseUpgrade(w, err)
			return
		}
		if c := s.accept(up, w, r, nil, nil); c != nil {
			go c.runSubscription(feed, types) // as on /ws: free the HTTP goroutine
		}
	})
}

// admitSubscriber is admit, then the types: auth comes first so that the
// allow-list is no business of a client without a token.
func (s *Server) admitSubscriber(r *http.Request, allowed []string) ([]string, *status.Error) {
	if err := s.admit(r); err != nil {
		return nil, err
	}
	types, err := subscribedTypes(r, allowed)
	if err != nil {
		s.count.Add(-1) // the slot admit reserved
	}
	return types, err
}

// subscribedTypes reads ?types= and checks it against the allow-list.
func subscribedTypes(r *http.Request, allowed []string) ([]string, *status.Error) {
	raw := r.URL.Query().Get("types")
	if raw == "" {
		return nil, status.New(codes.InvalidArgument, "types is required, e.g. ?types=person,order.placed")
	}
	types := strings.Split(raw, ",")
	if len(types) > maxSubscribedTypes {
		return nil, status.Newf(codes.InvalidArgument, "at most %d types per subscription", maxSubscribedTypes)
	}
	for _, t := range types {
		if !event.ValidType(t) {
			return nil, status.Newf(codes.InvalidArgument, "%q is not an event type", t)
		}
		if !allows(allowed, t) {
			return nil, status.Newf(codes.PermissionDenied, "type %q may not be subscribed to", t)
		}
	}
	return types, nil
}

func allows(allowed []string, t string) bool {
	for _, a := range allowed {
		if a == "*" || a == t {
			return true
		}
	}
	return false
}

// runSubscription is run for a subscriber: the writer sends what the feed
// queues, the reader only watches the connection.
func (c *conn) runSubscription(feed Feed, types []string) {
	c.startTimers()
	cancel := feed.Subscribe(types, c.deliver)
	reason := c.watch()
	// No delivery after cancel, so closing send cannot race a send on it.
	cancel()
	c.finish(reason)
}

// deliver queues one event frame without blocking the feed.
func (c *conn) deliver(frame []byte) {
	if c.send.push(frame); c.send.size() > c.s.o.SendQueueBytes {
		c.close(websocket.ClosePolicyViolation, "too slow: send queue full", telemetry.CloseSlow)
		// Events owe the peer no ack: drop what is queued, so that the
		// close goes out after the batch being written, not after
		// megabytes more that a client with 32 MB of socket buffer could
		// take (TestSlowSubscriberIsDropped, under load, took 30 s).
		c.send.drop()
		return
	}
	c.wake()
	// Events are activity: idle_timeout closes a subscriber only when
	// nothing happens either way.
	c.lastFrame.Store(time.Now().UnixNano())
}

// watch reads until the connection ends, so that pongs extend the
// deadline and the client's close is seen; its frames are dropped.
func (c *conn) watch() string {
	return c.readLoop(func([]byte, time.Time) string { return "" })
}
