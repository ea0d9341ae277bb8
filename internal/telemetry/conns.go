package telemetry

import "github.com/prometheus/client_golang/prometheus"

// Why a WebSocket connection ended. The set is fixed so the metric's series
// are too; ConnClosed files anything else under ReasonOther.
const (
	CloseNormal    = "normal"     // the client closed cleanly
	CloseGoingAway = "going_away" // 1001: the server is shutting down
	CloseIdle      = "idle"       // no frame within the idle timeout
	CloseLifetime  = "lifetime"   // the connection reached its maximum age
	CloseSlow      = "slow"       // the client did not drain its send queue
	CloseRate      = "rate"       // too many rate-limit violations in a row
	ClosePolicy    = "policy"     // 1008 for another policy reason (a binary frame)
	CloseTooBig    = "too_big"    // 1009: a frame over the read limit
	CloseBadUTF8   = "bad_utf8"   // 1007: a text frame that is not UTF-8
	CloseProtocol  = "protocol"   // 1002: the peer broke RFC 6455 (a 1-byte close payload)
	CloseTimeout   = "timeout"    // no pong within the pong timeout
	CloseError     = "error"      // a read or write failed
)

// Why a WebSocket upgrade was refused before a connection existed, named
// after the HTTP answer the client got.
const (
	RejectBadRequest      = "bad_request"     // 400: not a valid WebSocket handshake
	RejectUnauthenticated = "unauthenticated" // 401: missing or invalid credentials
	RejectOrigin          = "origin"          // 403: the Origin is not allowed
	RejectUnavailable     = "unavailable"     // 503: connection limit reached or draining
)

// ReasonOther is the label for a reason outside the fixed sets, so that a
// typo or a new reason can never add series unnoticed.
const ReasonOther = "other"

// closeReasons and upgradeReasons are functions rather than variables so
// that no caller can change the sets the metrics were built from.
func closeReasons() []string {
	return []string{CloseNormal, CloseGoingAway, CloseIdle, CloseLifetime, CloseSlow, CloseRate,
		ClosePolicy, CloseTooBig, CloseBadUTF8, CloseProtocol, CloseTimeout, CloseError, ReasonOther}
}

func upgradeReasons() []string {
	return []string{RejectBadRequest, RejectUnauthenticated, RejectOrigin, RejectUnavailable, ReasonOther}
}

// reasons is a counter per fixed reason, all resolved at construction; the
// map is never written afterwards.
type reasons map[string]prometheus.Counter

func newReasons(reg prometheus.Registerer, name, help string, known []string) reasons {
	vec := newCounterVec(reg, name, help, "reason")
	rs := make(reasons, len(known))
	for _, r := range known {
		rs[r] = vec.WithLabelValues(r)
	}
	return rs
}

func (rs reasons) inc(reason string) {
	c, ok := rs[reason]
	if !ok {
		c = rs[ReasonOther]
	}
	c.Inc()
}

// ConnOpened counts a WebSocket connection that completed its upgrade.
func (m *Metrics) ConnOpened() { m.conns.Inc() }

// ConnClosed counts a connection's end; reason is one of the Close*
// constants.
func (m *Metrics) ConnClosed(reason string) {
	m.conns.Dec()
	m.closed.inc(reason)
}

// BusyPolled counts a WebSocket reader's poll of its socket
// (websocket.busy_poll): caught when bytes came while it polled (almost
// always the client's next frame: a wake-up saved), parked when it ended
// with none and the reader parked after all.
func (m *Metrics) BusyPolled(caught bool) {
	if caught {
		m.polls.caught.Inc()
	} else {
		m.polls.parked.Inc()
	}
}

// UpgradeRejected counts an upgrade refused before a connection existed;
// reason is one of the Reject* constants.
func (m *Metrics) UpgradeRejected(reason string) { m.rejected.inc(reason) }
