package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/schemagate/schemagate/internal/event"
)

// NATS connects schemagate to NATS JetStream: where the nats action
// publishes accepted events, and where the fan-out to WebSocket
// subscribers reads them back. No Servers means no NATS at all.
type NATS struct {
	// Servers are the NATS URLs (nats://host:4222, tls://host:4222); the
	// client picks among them and fails over within the cluster.
	Servers []string `mapstructure:"servers"`
	// Token, User and Password, or CredsFile (a JWT .creds file): at most
	// one way to authenticate.
	Token     string `mapstructure:"token"`
	User      string `mapstructure:"user"`
	Password  string `mapstructure:"password"`
	CredsFile string `mapstructure:"creds_file"`
	TLS       TLS    `mapstructure:"tls"`
	// Stream is the JetStream stream that stores the events.
	Stream string `mapstructure:"stream"`
	// SubjectPrefix starts every subject: <prefix>.<type>.v<version>.
	SubjectPrefix string `mapstructure:"subject_prefix"`
	// CreateStream lets schemagate create Stream (on <prefix>.>) when it
	// does not exist; an existing stream is never changed.
	CreateStream bool `mapstructure:"create_stream"`
	// Replicas and DuplicateWindow apply only when schemagate creates
	// the stream. Resends of an id within the window are stored once.
	Replicas        int           `mapstructure:"replicas"`
	DuplicateWindow time.Duration `mapstructure:"duplicate_window"`
	// PublishTimeout bounds the wait for JetStream's ack of one event;
	// past it the client gets UNAVAILABLE.
	PublishTimeout time.Duration `mapstructure:"publish_timeout"`
	// ReconnectWait is the pause between attempts to reach NATS again
	// after the connection is lost.
	ReconnectWait time.Duration `mapstructure:"reconnect_wait"`
	// FanOut lets WebSocket clients subscribe to accepted events.
	FanOut FanOut `mapstructure:"fanout"`
}

// TLS names the PEM files for a TLS connection to NATS: CA to verify the
// servers, Cert and Key for a client certificate.
type TLS struct {
	CA   string `mapstructure:"ca"`
	Cert string `mapstructure:"cert"`
	Key  string `mapstructure:"key"`
}

// FanOut is the allow-list of event types a subscriber may ask for on
// GET /v1/subscribe; "*" allows every type, none turns fan-out off.
type FanOut struct {
	Types []string `mapstructure:"types"`
}

// Enabled reports whether NATS is configured at all.
func (n NATS) Enabled() bool { return len(n.Servers) > 0 }

// defaultNATS is NATS off, with the values that apply once servers are set.
func defaultNATS() NATS {
	return NATS{Stream: "SCHEMAGATE", SubjectPrefix: "events", CreateStream: true, Replicas: 1,
		DuplicateWindow: 2 * time.Minute, PublishTimeout: DefaultNATSPublishTimeout, ReconnectWait: DefaultNATSReconnectWait}
}

// natsName is what NATS accepts in a stream name and a subject token.
var natsName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// check reports NATS problems; usedByAction says a route needs NATS.
func (n *NATS) check(p *problems, usedByAction bool) {
	if !n.Enabled() {
		if usedByAction || len(n.FanOut.Types) > 0 {
			p.add("nats.servers", "must be set when a nats action, a webhook with delivery: nats or nats.fanout.types is configured")
		}
		return
	}
	for i, s := range n.Servers {
		if !strings.Contains(s, "://") {
			p.add(fmt.Sprintf("nats.servers[%d]", i), "%q is not a URL like nats://127.0.0.1:4222", s)
		}
	}
	auths := 0
	for _, set := range []bool{n.Token != "", n.User != "" || n.Password != "", n.CredsFile != ""} {
		if set {
			auths++
		}
	}
	if auths > 1 {
		p.add("nats", "set one of token, user/password or creds_file")
	}
	if (n.TLS.Cert == "") != (n.TLS.Key == "") {
		p.add("nats.tls", "cert and key go together")
	}
	n.checkStream(p)
	for i, t := range n.FanOut.Types {
		if t != "*" && !event.ValidType(t) {
			p.add(fmt.Sprintf("nats.fanout.types[%d]", i), "%q is not an event type or *", t)
		}
	}
}

func (n *NATS) checkStream(p *problems) {
	if !natsName.MatchString(n.Stream) {
		p.add("nats.stream", "%q is not a stream name (letters, digits, _ and -)", n.Stream)
	}
	for _, tok := range strings.Split(n.SubjectPrefix, ".") {
		if !natsName.MatchString(tok) {
			p.add("nats.subject_prefix", "%q is not dot-separated tokens of letters, digits, _ and -", n.SubjectPrefix)
			break
		}
	}
	if n.Replicas < 1 || n.Replicas > 5 {
		p.add("nats.replicas", "must be 1 to 5")
	}
	if n.DuplicateWindow <= 0 {
		p.add("nats.duplicate_window", "must be > 0")
	}
	if n.PublishTimeout <= 0 {
		p.add("nats.publish_timeout", "must be > 0")
	}
	if n.ReconnectWait <= 0 {
		p.add("nats.reconnect_wait", "must be > 0")
	}
}
