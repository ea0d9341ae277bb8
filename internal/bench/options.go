// Package bench is the load generator behind `schemagate bench`: it drives any
// server that speaks shared/bench/CONTRACT.md with a workload of frames over
// many WebSocket connections, checks every reply, and reports throughput,
// latency percentiles and every lost, duplicated or wrong reply.
package bench

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Options says what to drive and how hard. The zero value of every field but
// URL and Workload picks a default.
type Options struct {
	// URL is the server's WebSocket endpoint, e.g. ws://127.0.0.1:8080/ws,
	// or grpc://host:port for schemagate.v1.EventService/PublishStream,
	// one stream per connection (see grpc.go).
	URL string
	// Workload is an NDJSON file, one {"valid": bool, "frame": envelope
	// without id} a line; every connection cycles through all of it.
	Workload string
	// Conns is the number of connections (default 64).
	Conns int
	// InFlight is the window of unanswered frames per connection (default 16).
	InFlight int
	// Duration is the measured time (default 10s unless Count is set).
	Duration time.Duration
	// Count, when positive, ends the measurement after Count frames have been
	// sent and answered (or given up as lost); with Duration, whichever
	// comes first.
	Count int
	// Warmup is sent before the measurement and not counted.
	Warmup time.Duration
	// Progress, when non-nil, gets a \r-updated live line every ~500ms.
	Progress io.Writer

	// HandshakeTimeout bounds each WebSocket dial (default 5s).
	HandshakeTimeout time.Duration
	// DrainTimeout bounds the wait for outstanding replies once sending
	// stops; frames still unanswered then count as lost (default 5s).
	DrainTimeout time.Duration
	// Origin, when set, is sent as the Origin header of the handshake.
	Origin string
	// Header is added to the handshake, e.g. Authorization.
	Header http.Header
	// WriteBatch caps the frames coalesced into one write syscall when the
	// window frees several slots at once (default InFlight; 1 writes every
	// frame with its own syscall, as most real clients do).
	WriteBatch int
}

// Defaults applied by withDefaults.
const (
	defaultConns    = 64
	defaultInFlight = 16
	defaultDuration = 10 * time.Second
	defaultTimeout  = 5 * time.Second
	maxConns        = 1 << 20
	maxInFlight     = 1 << 16
)

// withDefaults fills zero fields and rejects options that cannot run.
func (o Options) withDefaults() (Options, error) {
	if o.Conns == 0 {
		o.Conns = defaultConns
	}
	if o.InFlight == 0 {
		o.InFlight = defaultInFlight
	}
	if o.Duration == 0 && o.Count == 0 {
		o.Duration = defaultDuration
	}
	if o.HandshakeTimeout == 0 {
		o.HandshakeTimeout = defaultTimeout
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = defaultTimeout
	}
	if o.WriteBatch == 0 {
		o.WriteBatch = o.InFlight
	}
	return o, o.check()
}

func (o Options) check() error {
	if err := o.checkDial(); err != nil {
		return err
	}
	switch {
	case o.Workload == "":
		return errors.New("bench: no workload file")
	case o.Conns < 0 || o.Conns > maxConns:
		return fmt.Errorf("bench: conns %d out of 1..%d", o.Conns, maxConns)
	case o.InFlight < 0 || o.InFlight > maxInFlight:
		return fmt.Errorf("bench: in-flight %d out of 1..%d", o.InFlight, maxInFlight)
	case o.Duration < 0 || o.Count < 0 || o.Warmup < 0:
		return errors.New("bench: duration, count and warm-up must not be negative")
	case o.DrainTimeout < 0 || o.WriteBatch < 0:
		return errors.New("bench: drain timeout and write batch must not be negative")
	}
	return nil
}

// checkDial checks what dialing needs, which is all Idle uses.
func (o Options) checkDial() error {
	u, err := url.Parse(o.URL)
	switch {
	case err != nil:
		return fmt.Errorf("bench: url: %w", err)
	case u.Scheme != "ws" && u.Scheme != "wss" && u.Scheme != "grpc":
		return fmt.Errorf("bench: url %q: scheme must be ws, wss or grpc", o.URL)
	case o.HandshakeTimeout < 0:
		return errors.New("bench: handshake timeout must not be negative")
	}
	return nil
}
