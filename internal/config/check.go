package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schemagate/schemagate/internal/event"
)

// Validate checks the whole configuration and reports every problem at
// once, each naming its key.
func (c *Config) Validate() error {
	var p problems
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		p.add("listen", "%q is not host:port", c.Listen)
	}
	if c.Schemas.Dir == "" {
		p.add("schemas.dir", "must be set")
	}
	positive(&p, "schemas.max_details", c.Schemas.MaxDetails)
	positive(&p, "schemas.max_depth", c.Schemas.MaxDepth)
	c.Schemas.Compat.check(&p)
	for i, h := range c.Handlers {
		if _, ok := event.ParseName(h); !ok {
			p.add(fmt.Sprintf("handlers[%d]", i), "%q is not <type>/v<N>", h)
		}
	}
	c.checkActions(&p)
	c.checkRoutes(&p)
	if c.DeadLetter.Path != "" {
		checkFile(&p, "dead_letter", c.DeadLetter.File)
		positive(&p, "dead_letter.max_bytes", int(c.DeadLetter.MaxBytes))
	}
	c.WebSocket.check(&p)
	c.HTTP.check(&p)
	c.GRPC.check(&p, c.Listen)
	c.Auth.check(&p)
	c.TLS.check(&p)
	c.Console.check(&p)
	positive(&p, "reload.interval", int(c.Reload.Interval))
	oneOf(&p, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(&p, "log.format", c.Log.Format, "json", "text")
	if c.Shutdown.DrainTimeout <= 0 {
		p.add("shutdown.drain_timeout", "must be > 0")
	}
	if c.Memory.ReleaseAfter < 0 {
		p.add("memory.release_after", "must be >= 0 (0: off)")
	}
	if c.Memory.HeapFloor < 0 {
		p.add("memory.heap_floor", "must be >= 0 (0: off)")
	}
	c.NATS.check(&p, c.UsesNATS())
	return p.err()
}

func (c *Config) checkActions(p *problems) {
	outboxPaths := map[string]string{}
	// In name order, so that of two actions sharing an outbox the same one
	// is reported every time.
	for _, name := range slices.Sorted(maps.Keys(c.Actions)) {
		a := c.Actions[name]
		key := "actions." + name
		a.checkKinds(p, name)
		switch a.Kind {
		case "log":
		case "file":
			if a.Path == "" {
				p.add(key+".path", "must be set for a file action")
			}
			checkFile(p, key, a.File)
		case "webhook":
			if u, err := url.Parse(a.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.add(key+".url", "%q is not an http(s) URL", a.URL)
			}
			if a.Timeout <= 0 {
				p.add(key+".timeout", "must be > 0")
			}
			if a.Retries < 0 {
				p.add(key+".retries", "must be >= 0")
			}
			a.Webhook.checkDelivery(p, key, outboxPaths)
			if a.Delivery == "nats" && !natsName.MatchString(name) {
				p.add(key, "a webhook delivered through NATS needs a name of letters, digits, _ and - (it names a consumer)")
			}
		case "nats": // its settings are the nats section's
		default:
			p.add(key+".kind", "%q is not one of %s", a.Kind, strings.Join(ActionKinds(), ", "))
		}
	}
	c.checkActionNames(p, "default_actions", c.DefaultActions)
}

// UsesNATS reports whether any action publishes to NATS: a nats action,
// or a webhook whose outbox is the stream.
func (c *Config) UsesNATS() bool {
	for _, a := range c.Actions {
		if a.Kind == "nats" || (a.Kind == "webhook" && a.Delivery == "nats") {
			return true
		}
	}
	return false
}

func (c *Config) checkRoutes(p *problems) {
	for i, r := range c.Routes {
		key := fmt.Sprintf("routes[%d]", i)
		if !(event.Key{Type: r.Type, Version: r.Version}).Valid() {
			p.add(key, "type %q version %d is not a valid schema key", r.Type, r.Version)
		}
		c.checkActionNames(p, key+".actions", r.Actions)
		c.checkRouteRollout(p, key, r)
	}
}

// checkRouteRollout checks a route's candidate and mode. Whether the
// candidate's schema exists is for the pipeline to say, which has the tree.
func (c *Config) checkRouteRollout(p *problems, key string, r Route) {
	switch {
	case r.Candidate < 0:
		p.add(key+".candidate", "must be a version >= 1 (0: none)")
	case r.Candidate != 0 && r.Candidate == r.Version:
		p.add(key+".candidate", "v%d is the route's own version; name another version of %s", r.Candidate, r.Type)
	}
	if r.Mode != "" {
		oneOf(p, key+".mode", r.Mode, ModeEnforce, ModeShadow)
	}
	if r.Shadow() && slices.Contains(c.Handlers, event.Key{Type: r.Type, Version: r.Version}.Name()) {
		p.add(key+".mode", "shadow acknowledges invalid frames, which a typed handler cannot take: remove %s/v%d from handlers or use mode enforce", r.Type, r.Version)
	}
}

func (c *Config) checkActionNames(p *problems, key string, names []string) {
	for _, n := range names {
		if _, ok := c.Actions[n]; !ok {
			p.add(key, "action %q is not defined under actions", n)
		}
	}
}

// checkDelivery checks an outbox webhook; outboxPaths maps each outbox
// file to the key that claimed it, since two outboxes cannot share one.
func (w Webhook) checkDelivery(p *problems, key string, outboxPaths map[string]string) {
	switch w.Delivery {
	case "", "sync":
		return
	case "outbox", "nats":
	default:
		p.add(key+".delivery", "%q is not one of sync, outbox, nats", w.Delivery)
		return
	}
	o, key := w.Outbox, key+".outbox"
	if w.Delivery == "nats" {
		// The stream is the outbox: only the schedule applies.
		checkSchedule(p, key, o.Schedule)
		return
	}
	if o.Path == "" {
		p.add(key+".path", "must be set when delivery is outbox")
	} else if other, ok := outboxPaths[o.Path]; ok {
		p.add(key+".path", "%s is also %s's outbox", o.Path, other)
	} else {
		outboxPaths[o.Path] = key
	}
	if o.Sync != "" {
		checkFile(p, key, File{Sync: o.Sync, Interval: o.Interval})
	}
	if o.MaxBytes < 0 || o.Concurrency < 0 {
		p.add(key, "max_bytes and concurrency must be >= 0 (0: the default)")
	}
	checkSchedule(p, key, o.Schedule)
	if o.Order != "" {
		oneOf(p, key+".order", o.Order, "endpoint", "type", "none")
	}
}

func checkSchedule(p *problems, key string, schedule []time.Duration) {
	for i, d := range schedule {
		if d < 0 {
			p.add(fmt.Sprintf("%s.schedule[%d]", key, i), "must be >= 0")
		}
	}
}

func checkFile(p *problems, key string, f File) {
	if m, err := strconv.ParseUint(f.FileMode, 8, 32); f.FileMode != "" && (err != nil || m > 0o777 || m&0o600 != 0o600) {
		p.add(key+".file_mode", "%q is not an octal mode the gateway can read and write, like \"0600\"", f.FileMode)
	}
	oneOf(p, key+".sync", f.Sync, "always", "interval", "never")
	if f.Sync == "interval" && f.Interval <= 0 {
		p.add(key+".interval", "must be > 0 when sync is interval")
	}
}

func (w *WebSocket) check(p *problems) {
	if !strings.HasPrefix(w.Path, "/") {
		p.add("websocket.path", "must start with /")
	}
	positive(p, "websocket.read_limit", int(w.ReadLimit))
	positive(p, "websocket.send_queue_bytes", w.SendQueueBytes)
	positive(p, "websocket.max_inflight_bytes", int(w.MaxInflightBytes))
	positive(p, "websocket.max_connections", w.MaxConnections)
	for _, d := range []struct {
		key string
		v   int64
	}{{"write_timeout", int64(w.WriteTimeout)}, {"pong_timeout", int64(w.PongTimeout)},
		{"ping_interval", int64(w.PingInterval)}, {"handshake_timeout", int64(w.HandshakeTimeout)}} {
		positive(p, "websocket."+d.key, int(d.v))
	}
	if w.PingInterval >= w.PongTimeout {
		p.add("websocket.ping_interval", "must be shorter than pong_timeout, or a healthy peer is dropped")
	}
	if w.IdleTimeout < 0 || w.MaxLifetime < 0 {
		p.add("websocket", "idle_timeout and max_lifetime must be >= 0 (0 is off)")
	}
	if w.BusyPoll < 0 || w.BusyPoll > MaxBusyPoll {
		p.add("websocket.busy_poll", "must be between 0 (off) and %s", MaxBusyPoll)
	}
	if w.RateLimit.PerSecond < 0 || (w.RateLimit.PerSecond > 0 && w.RateLimit.Burst < 1) {
		p.add("websocket.rate_limit", "per_second must be >= 0, and burst >= 1 when it is on")
	}
	paths := map[string]bool{w.Path: true}
	for i, b := range w.Bare {
		key := fmt.Sprintf("websocket.bare[%d]", i)
		if !strings.HasPrefix(b.Path, "/") || paths[b.Path] {
			p.add(key+".path", "%q must start with / and be unique (also against websocket.path)", b.Path)
		}
		paths[b.Path] = true
		if !(event.Key{Type: b.Type, Version: b.Version}).Valid() {
			p.add(key, "type %q version %d is not a valid schema key", b.Type, b.Version)
		}
	}
}

func (t *ServerTLS) check(p *problems) {
	if (t.CertFile == "") != (t.KeyFile == "") {
		p.add("tls", "cert_file and key_file go together: set both or neither")
	}
	if t.ClientCAFile != "" && t.CertFile == "" {
		p.add("tls.client_ca_file", "asks for client certificates, which needs cert_file and key_file")
	}
	positive(p, "tls.reload_interval", int(t.ReloadInterval))
}

func (h *HTTP) check(p *problems) {
	positive(p, "http.max_body", int(h.MaxBody))
	positive(p, "http.max_batch", h.MaxBatch)
	positive(p, "http.request_timeout", int(h.RequestTimeout))
	positive(p, "http.max_inflight.requests", h.MaxInflight.Requests)
	if h.MaxInflight.Bytes < h.MaxBody {
		p.add("http.max_inflight.bytes", "must be at least http.max_body (%d)", h.MaxBody)
	}
	for i, host := range h.AllowedHosts {
		if _, _, err := net.SplitHostPort(host); err == nil || host == "" || strings.ContainsAny(host, "/ ") {
			p.add(fmt.Sprintf("http.allowed_hosts[%d]", i), "%q is not a host name without port", host)
		}
	}
}

func (g *GRPC) check(p *problems, httpListen string) {
	if g.Listen == "" {
		return
	}
	if _, _, err := net.SplitHostPort(g.Listen); err != nil {
		p.add("grpc.listen", "%q is not host:port (empty turns gRPC off)", g.Listen)
	} else if g.Listen == httpListen && !strings.HasSuffix(g.Listen, ":0") {
		p.add("grpc.listen", "%q is also listen: the two servers need their own ports", g.Listen)
	}
	if g.MinPingInterval <= 0 {
		// grpc-go would read 0 as its own 5 minutes, a default nobody set.
		p.add("grpc.min_ping_interval", "must be > 0")
	}
}

// Problem is one thing wrong with the configuration: the key it is at
// ("routes[0].actions") and what is wrong.
type Problem struct {
	Key     string
	Message string
}

// Pointer is the key as a JSON Pointer into the file: "/routes/0/actions".
func (p Problem) Pointer() string {
	if p.Key == "" {
		return ""
	}
	return "/" + strings.NewReplacer(".", "/", "[", "/", "]", "").Replace(p.Key)
}

// Invalid is the error Validate returns: every problem, sorted.
type Invalid struct {
	Problems []Problem
}

// Error lists every problem on its own line, "key: message", so that an
// operator fixes them all from one run rather than one per start.
func (e *Invalid) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Key + ": " + p.Message
	}
	return "invalid configuration:\n  " + strings.Join(lines, "\n  ")
}

type problems []Problem

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	// Sorted as the lines read, so the same mistakes read the same way.
	sort.Slice(p, func(i, j int) bool { return p[i].Key+": "+p[i].Message < p[j].Key+": "+p[j].Message })
	return &Invalid{Problems: p}
}

func positive(p *problems, key string, v int) {
	if v <= 0 {
		p.add(key, "must be > 0")
	}
}

func oneOf(p *problems, key, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	p.add(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
}

func (c Compat) check(p *problems) {
	oneOf(p, "schemas.compat.mode", c.Mode, CompatModes()...)
	for t, m := range c.Types {
		if !event.ValidType(t) {
			p.add("schemas.compat.types."+t, "%q is not an event type", t)
		}
		oneOf(p, "schemas.compat.types."+t, m, CompatModes()...)
	}
}

// check refuses short tokens, and a token that is both a producer's and
// an admin's: the scopes would mean nothing.
func (a Auth) check(p *problems) {
	producer := map[string]bool{}
	for i, t := range a.Tokens {
		producer[t] = true
		if len(t) < 16 {
			p.add(fmt.Sprintf("auth.tokens[%d]", i), "must be at least 16 characters")
		}
	}
	for i, t := range a.AdminTokens {
		key := fmt.Sprintf("auth.admin_tokens[%d]", i)
		if len(t) < 16 {
			p.add(key, "must be at least 16 characters")
		}
		if producer[t] {
			p.add(key, "is also in auth.tokens; an admin token must be one of its own")
		}
	}
}
