// Package natsbus connects schemagate to NATS JetStream, so that many
// gateway instances keep their accepted events in one durable stream: the
// nats action publishes each event and lets the client's ack wait for
// JetStream's, and the hub reads the stream back to fan events out to
// WebSocket subscribers of any instance.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/status"
)

// Config is how to reach NATS and which stream to use; see config.NATS,
// which documents each field.
type Config struct {
	// Servers are NATS URLs; the client fails over among them.
	Servers []string
	// Token, User and Password, or CredsFile: how to authenticate, if at all.
	Token          string
	User, Password string
	CredsFile      string
	// TLSCA verifies the servers; TLSCert and TLSKey are a client certificate.
	TLSCA           string
	TLSCert, TLSKey string
	// Stream stores the events, published on SubjectPrefix.<type>.v<N>.
	Stream        string
	SubjectPrefix string
	// CreateStream allows creating Stream when it is missing, with
	// Replicas and DuplicateWindow; an existing stream is left alone.
	CreateStream    bool
	Replicas        int
	DuplicateWindow time.Duration
	// PublishTimeout bounds the wait for one ack (when 0,
	// config.DefaultNATSPublishTimeout).
	PublishTimeout time.Duration
	// ReconnectWait is the pause between reconnect attempts (when 0,
	// config.DefaultNATSReconnectWait).
	ReconnectWait time.Duration
}

// Bus is one connection to NATS, shared by every nats action and the hub
// of a gateway. It is safe for concurrent use.
type Bus struct {
	cfg Config
	nc  *nats.Conn
	js  jetstream.JetStream
	log *slog.Logger
	// ensureMu serializes stream look-ups and creation; ensured skips
	// them once the stream is known to exist.
	ensureMu sync.Mutex
	ensured  atomic.Bool
}

// Connect opens the connection. NATS being down is not an error: the
// client keeps reconnecting, Ready reports the outage, and publishes fail
// with UNAVAILABLE until it is back, so a gateway can start before NATS
// does. Only unusable settings (a missing creds or TLS file) fail here.
func Connect(cfg Config, log *slog.Logger) (*Bus, error) {
	cfg.PublishTimeout = config.OrDefault(cfg.PublishTimeout, config.DefaultNATSPublishTimeout)
	cfg.ReconnectWait = config.OrDefault(cfg.ReconnectWait, config.DefaultNATSReconnectWait)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bus{cfg: cfg, log: log}
	nc, err := nats.Connect(strings.Join(cfg.Servers, ","), b.options()...)
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: %w", err)
	}
	b.nc, b.js = nc, js
	// A first try, so that a reachable NATS is ready at once; failing
	// here only means Ready and Do try again.
	ctx, cancel := context.WithTimeout(context.Background(), cfg.PublishTimeout)
	defer cancel()
	if err := b.ensure(ctx); err != nil {
		log.Warn("nats stream not ready yet", "stream", cfg.Stream, "err", err)
	}
	return b, nil
}

// Ready reports whether a publish can succeed now: connected, and the
// stream answers. It is the gateway's readiness check, so that a load
// balancer stops sending events to an instance that could only refuse them.
func (b *Bus) Ready() error {
	if s := b.nc.Status(); s != nats.CONNECTED {
		return status.Unavailable(nil, "NATS connection is "+strings.ToLower(s.String()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.PublishTimeout)
	defer cancel()
	// Look the stream up every time: it may have been deleted, or its
	// cluster may have lost quorum, with the connection still up.
	if _, err := b.js.Stream(ctx, b.cfg.Stream); err != nil {
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return status.Unavailable(err, fmt.Sprintf("NATS stream %s is not available", b.cfg.Stream))
		}
		b.ensured.Store(false)
		return b.ensure(ctx)
	}
	return nil
}

// Close closes the connection. Publishes are synchronous, so nothing
// acknowledged is waiting in a buffer.
func (b *Bus) Close(context.Context) error {
	b.nc.Close()
	return nil
}

// ensure makes sure the stream exists, creating it when allowed.
func (b *Bus) ensure(ctx context.Context) error {
	if b.ensured.Load() {
		return nil
	}
	b.ensureMu.Lock()
	defer b.ensureMu.Unlock()
	if b.ensured.Load() {
		return nil
	}
	_, err := b.js.Stream(ctx, b.cfg.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) && b.cfg.CreateStream {
		err = b.createStream(ctx)
	}
	if err != nil {
		return status.Unavailable(err, fmt.Sprintf("NATS stream %s is not available", b.cfg.Stream))
	}
	b.ensured.Store(true)
	return nil
}

func (b *Bus) createStream(ctx context.Context) error {
	_, err := b.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       b.cfg.Stream,
		Subjects:   []string{b.cfg.SubjectPrefix + ".>"},
		Storage:    jetstream.FileStorage,
		Replicas:   max(b.cfg.Replicas, 1),
		Duplicates: b.cfg.DuplicateWindow,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil // another gateway created it first
	}
	if err == nil {
		b.log.Info("nats stream created", "stream", b.cfg.Stream, "subjects", b.cfg.SubjectPrefix+".>",
			"replicas", max(b.cfg.Replicas, 1))
	}
	return err
}
