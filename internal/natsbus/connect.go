package natsbus

import "github.com/nats-io/nats.go"

// options are the client settings: credentials and TLS from the config,
// and reconnect behaviour chosen for a gateway that acks only what is
// stored.
func (b *Bus) options() []nats.Option {
	c := b.cfg
	opts := []nats.Option{
		nats.Name("schemagate"),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1), // a gateway outlives any NATS outage
		nats.ReconnectWait(c.ReconnectWait),
		// No buffering while disconnected: a buffered publish could be
		// stored after its client was told UNAVAILABLE. Failing at once
		// also answers the client at once rather than at the timeout.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil: our own Close
				b.log.Warn("nats disconnected; reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			b.log.Info("nats reconnected", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			b.log.Warn("nats error", "err", err)
		}),
	}
	switch {
	case c.Token != "":
		opts = append(opts, nats.Token(c.Token))
	case c.User != "" || c.Password != "":
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	case c.CredsFile != "":
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	}
	if c.TLSCA != "" {
		opts = append(opts, nats.RootCAs(c.TLSCA))
	}
	if c.TLSCert != "" {
		opts = append(opts, nats.ClientCert(c.TLSCert, c.TLSKey))
	}
	return opts
}
