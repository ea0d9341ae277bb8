package config

import (
	"strings"
	"testing"
	"time"
)

// TestEveryCheck drives each check of Validate from a valid configuration:
// one mistake, and exactly the report it must give: each key and its message.
func TestEveryCheck(t *testing.T) {
	file := func(a Action) map[string]Action { return map[string]Action{"a": a} }
	hook := Webhook{URL: "http://127.0.0.1:9/", Timeout: time.Second}
	withHook := func(edit func(*Webhook)) map[string]Action {
		w := hook
		edit(&w)
		return map[string]Action{"w": {Kind: "webhook", Webhook: w}}
	}
	cases := []struct {
		name string
		edit func(c *Config)
		want []string // the report's lines, "key: message", sorted
	}{
		{"defaults", func(c *Config) {}, nil},
		{"listen without port", func(c *Config) { c.Listen = "8080" }, []string{`listen: "8080" is not host:port`}},
		{"schemas.dir empty", func(c *Config) { c.Schemas.Dir = "" }, []string{"schemas.dir: must be set"}},
		{"max_details 0", func(c *Config) { c.Schemas.MaxDetails = 0 }, []string{"schemas.max_details: must be > 0"}},
		{"max_depth negative", func(c *Config) { c.Schemas.MaxDepth = -1 }, []string{"schemas.max_depth: must be > 0"}},
		{"compat mode", func(c *Config) { c.Schemas.Compat.Mode = "sideways" }, []string{`schemas.compat.mode: "sideways" is not one of backward, forward, full, none`}},
		{"compat type name", func(c *Config) { c.Schemas.Compat.Types = map[string]string{"Bad Type": "full"} }, []string{`schemas.compat.types.Bad Type: "Bad Type" is not an event type`}},
		{"compat type mode", func(c *Config) { c.Schemas.Compat.Types = map[string]string{"person": "most"} }, []string{`schemas.compat.types.person: "most" is not one of backward, forward, full, none`}},
		{"handler name", func(c *Config) { c.Handlers = []string{"person/v1", "Person/1"} }, []string{`handlers[1]: "Person/1" is not <type>/v<N>`}},
		{"action kind", func(c *Config) { c.Actions = file(Action{Kind: "queue"}) }, []string{`actions.a.kind: "queue" is not one of log, file, webhook, nats`}},
		{"file without path", func(c *Config) { c.Actions = file(Action{Kind: "file", File: File{Sync: "always"}}) }, []string{"actions.a.path: must be set for a file action"}},
		{"file sync", func(c *Config) { c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "sometimes"}}) }, []string{`actions.a.sync: "sometimes" is not one of always, interval, never`}},
		{"file interval", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "interval"}})
		}, []string{"actions.a.interval: must be > 0 when sync is interval"}},
		{"file mode not octal", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "rw"}})
		}, []string{`actions.a.file_mode: "rw" is not an octal mode the gateway can read and write, like "0600"`}},
		{"file mode the gateway cannot write", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "0444"}})
		}, []string{`actions.a.file_mode: "0444" is not an octal mode the gateway can read and write, like "0600"`}},
		{"file mode widened", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "0644"}})
		}, nil},
		{"file with a webhook's url", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never"}, Webhook: Webhook{URL: "http://x"}})
		}, []string{"actions.a.url: is not a key of a file action (it has: kind, file_mode, interval, path, sync)"}},
		{"webhook with a file's path and sync", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) {})
			a := c.Actions["w"]
			a.Path, a.Sync = "x", "always"
			c.Actions["w"] = a
		}, []string{
			"actions.w.path: is not a key of a webhook action (it has: kind, backoff, delivery, headers, outbox, retries, secret, secrets, timeout, url)",
			"actions.w.sync: is not a key of a webhook action (it has: kind, backoff, delivery, headers, outbox, retries, secret, secrets, timeout, url)",
		}},
		{"log with a timeout", func(c *Config) { c.Actions = file(Action{Kind: "log", Webhook: Webhook{Timeout: time.Second}}) },
			[]string{"actions.a.timeout: is not a key of a log action (it has: kind only)"}},
		{"nats with headers", func(c *Config) {
			c.NATS.Servers = []string{"nats://x"}
			c.Actions = file(Action{Kind: "nats", Webhook: Webhook{Headers: map[string]string{}}})
		}, []string{"actions.a.headers: is not a key of a nats action (it has: kind only)"}},
		{"resolved secrets are not a key", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never"}, Webhook: Webhook{SigningSecrets: []string{"s"}}})
		}, nil},
		{"webhook url", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.URL = "ftp://x" }) }, []string{`actions.w.url: "ftp://x" is not an http(s) URL`}},
		{"webhook timeout", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Timeout = 0 }) }, []string{"actions.w.timeout: must be > 0"}},
		{"webhook retries", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Retries = -1 }) }, []string{"actions.w.retries: must be >= 0"}},
		{"webhook delivery", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "pigeon" }) }, []string{`actions.w.delivery: "pigeon" is not one of sync, outbox, nats`}},
		{"outbox without path", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "outbox" }) }, []string{"actions.w.outbox.path: must be set when delivery is outbox"}},
		{"outbox limits", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", MaxBytes: -1} })
		}, []string{"actions.w.outbox: max_bytes and concurrency must be >= 0 (0: the default)"}},
		{"outbox concurrency", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Concurrency: -1} })
		}, []string{"actions.w.outbox: max_bytes and concurrency must be >= 0 (0: the default)"}},
		{"dead letter interval", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.Sync, c.DeadLetter.Interval = "d", "interval", 0 },
			[]string{"dead_letter.interval: must be > 0 when sync is interval"}},
		{"dead letter file mode", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.FileMode = "d", "777" }, nil},
		{"dead letter file mode unwritable", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.FileMode = "d", "0400" },
			[]string{`dead_letter.file_mode: "0400" is not an octal mode the gateway can read and write, like "0600"`}},
		{"outbox schedule", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Schedule: []time.Duration{-1}} })
		}, []string{"actions.w.outbox.schedule[0]: must be >= 0"}},
		{"outbox order", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Order: "random"} })
		}, []string{`actions.w.outbox.order: "random" is not one of endpoint, type, none`}},
		{"outbox sync", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Sync: "later"} })
		}, []string{`actions.w.outbox.sync: "later" is not one of always, interval, never`}},
		{"two outboxes, one file", func(c *Config) {
			w := hook
			w.Delivery, w.Outbox = "outbox", Outbox{Path: "o"}
			c.Actions = map[string]Action{"w1": {Kind: "webhook", Webhook: w}, "w2": {Kind: "webhook", Webhook: w}}
		}, []string{"actions.w2.outbox.path: o is also actions.w1.outbox's outbox"}},
		{"webhook through NATS with a name NATS refuses", func(c *Config) {
			w := hook
			w.Delivery = "nats"
			c.Actions = map[string]Action{"bad.name": {Kind: "webhook", Webhook: w}}
			c.NATS.Servers = []string{"nats://x"}
		}, []string{"actions.bad.name: a webhook delivered through NATS needs a name of letters, digits, _ and - (it names a consumer)"}},
		{"webhook through NATS: only the schedule", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) {
				w.Delivery, w.Outbox = "nats", Outbox{Order: "random", Schedule: []time.Duration{time.Second, -1}}
			})
			c.NATS.Servers = []string{"nats://x"}
		}, []string{"actions.w.outbox.schedule[1]: must be >= 0"}},
		{"webhook through NATS needs servers", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "nats" }) },
			[]string{"nats.servers: must be set when a nats action, a webhook with delivery: nats or nats.fanout.types is configured"}},
		{"default action undefined", func(c *Config) { c.DefaultActions = []string{"nope"} }, []string{`default_actions: action "nope" is not defined under actions`}},
		{"route key", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 0}} }, []string{`routes[0]: type "person" version 0 is not a valid schema key`}},
		{"route action undefined", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Actions: []string{"nope"}}} }, []string{`routes[0].actions: action "nope" is not defined under actions`}},
		{"route candidate", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Candidate: 2}} }, nil},
		{"route candidate negative", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Candidate: -2}} }, []string{"routes[0].candidate: must be a version >= 1 (0: none)"}},
		{"route candidate its own version", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 2, Candidate: 2}} }, []string{"routes[0].candidate: v2 is the route's own version; name another version of person"}},
		{"route mode", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Mode: "audit"}} }, []string{`routes[0].mode: "audit" is not one of enforce, shadow`}},
		{"route mode enforce", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Mode: ModeEnforce}} }, nil},
		{"route shadow", func(c *Config) {
			c.Handlers, c.Routes = []string{"person/v2"}, []Route{{Type: "person", Version: 1, Mode: ModeShadow}}
		}, nil},
		{"route shadow with a typed handler", func(c *Config) {
			c.Handlers, c.Routes = []string{"person/v1"}, []Route{{Type: "person", Version: 1, Mode: ModeShadow}}
		}, []string{"routes[0].mode: shadow acknowledges invalid frames, which a typed handler cannot take: remove person/v1 from handlers or use mode enforce"}},
		{"dead letter sync", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.Sync = "d", "maybe" }, []string{`dead_letter.sync: "maybe" is not one of always, interval, never`}},
		{"dead letter max_bytes", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.MaxBytes = "d", 0 }, []string{"dead_letter.max_bytes: must be > 0"}},
		{"dead letter off is not checked", func(c *Config) { c.DeadLetter.Sync, c.DeadLetter.MaxBytes = "maybe", 0 }, nil},
		{"websocket path", func(c *Config) { c.WebSocket.Path = "ws" }, []string{"websocket.path: must start with /"}},
		{"read_limit", func(c *Config) { c.WebSocket.ReadLimit = 0 }, []string{"websocket.read_limit: must be > 0"}},
		{"send_queue_bytes", func(c *Config) { c.WebSocket.SendQueueBytes = 0 }, []string{"websocket.send_queue_bytes: must be > 0"}},
		{"max_inflight_bytes", func(c *Config) { c.WebSocket.MaxInflightBytes = 0 }, []string{"websocket.max_inflight_bytes: must be > 0"}},
		{"max_connections", func(c *Config) { c.WebSocket.MaxConnections = 0 }, []string{"websocket.max_connections: must be > 0"}},
		{"write_timeout", func(c *Config) { c.WebSocket.WriteTimeout = 0 }, []string{"websocket.write_timeout: must be > 0"}},
		{"handshake_timeout", func(c *Config) { c.WebSocket.HandshakeTimeout = 0 }, []string{"websocket.handshake_timeout: must be > 0"}},
		{"ping not shorter than pong", func(c *Config) { c.WebSocket.PingInterval = c.WebSocket.PongTimeout }, []string{"websocket.ping_interval: must be shorter than pong_timeout, or a healthy peer is dropped"}},
		{"pong_timeout 0", func(c *Config) { c.WebSocket.PongTimeout, c.WebSocket.PingInterval = 0, -1 },
			[]string{"websocket.ping_interval: must be > 0", "websocket.pong_timeout: must be > 0"}},
		{"idle negative", func(c *Config) { c.WebSocket.IdleTimeout = -1 }, []string{"websocket: idle_timeout and max_lifetime must be >= 0 (0 is off)"}},
		{"max_lifetime negative", func(c *Config) { c.WebSocket.MaxLifetime = -1 }, []string{"websocket: idle_timeout and max_lifetime must be >= 0 (0 is off)"}},
		{"busy poll negative", func(c *Config) { c.WebSocket.BusyPoll = -1 }, []string{"websocket.busy_poll: must be between 0 (off) and 1ms"}},
		{"busy poll too long", func(c *Config) { c.WebSocket.BusyPoll = 2 * time.Millisecond }, []string{"websocket.busy_poll: must be between 0 (off) and 1ms"}},
		{"busy poll off", func(c *Config) { c.WebSocket.BusyPoll = 0 }, nil},
		{"rate without burst", func(c *Config) { c.WebSocket.RateLimit.PerSecond = 5 }, []string{"websocket.rate_limit: per_second must be >= 0, and burst >= 1 when it is on"}},
		{"rate negative", func(c *Config) { c.WebSocket.RateLimit.PerSecond = -1 }, []string{"websocket.rate_limit: per_second must be >= 0, and burst >= 1 when it is on"}},
		{"bare path twice", func(c *Config) {
			c.WebSocket.Bare = []Bare{{Path: "/p", Type: "person", Version: 1}, {Path: "/p", Type: "person", Version: 1}}
		}, []string{`websocket.bare[1].path: "/p" must start with / and be unique (also against websocket.path)`}},
		{"bare path is /ws", func(c *Config) { c.WebSocket.Bare = []Bare{{Path: "/ws", Type: "echo", Version: 1}} }, []string{`websocket.bare[0].path: "/ws" must start with / and be unique (also against websocket.path)`}},
		{"bare key", func(c *Config) { c.WebSocket.Bare = []Bare{{Path: "/p", Type: "", Version: 1}} }, []string{`websocket.bare[0]: type "" version 1 is not a valid schema key`}},
		{"max_body", func(c *Config) { c.HTTP.MaxBody = 0 }, []string{"http.max_body: must be > 0"}},
		{"max_batch", func(c *Config) { c.HTTP.MaxBatch = 0 }, []string{"http.max_batch: must be > 0"}},
		{"request_timeout", func(c *Config) { c.HTTP.RequestTimeout = 0 }, []string{"http.request_timeout: must be > 0"}},
		{"max_inflight.requests", func(c *Config) { c.HTTP.MaxInflight.Requests = 0 }, []string{"http.max_inflight.requests: must be > 0"}},
		{"max_inflight.bytes below max_body", func(c *Config) { c.HTTP.MaxInflight.Bytes = c.HTTP.MaxBody - 1 }, []string{"http.max_inflight.bytes: must be at least http.max_body (10485760)"}},
		{"allowed_hosts with a port", func(c *Config) { c.HTTP.AllowedHosts = []string{"gw.example", "gw.example:80", ""} },
			[]string{`http.allowed_hosts[1]: "gw.example:80" is not a host name without port`, `http.allowed_hosts[2]: "" is not a host name without port`}},
		{"allowed_hosts IPv6 and wildcards", func(c *Config) { c.HTTP.AllowedHosts = []string{"::1", "*.gw.example", "*"} }, nil},
		{"grpc listen", func(c *Config) { c.GRPC.Listen = "9090" }, []string{`grpc.listen: "9090" is not host:port (empty turns gRPC off)`}},
		{"grpc on the http port", func(c *Config) { c.GRPC.Listen = c.Listen }, []string{`grpc.listen: "127.0.0.1:8080" is also listen: the two servers need their own ports`}},
		{"grpc off", func(c *Config) { c.GRPC.Listen = "" }, nil},
		{"grpc ping", func(c *Config) { c.GRPC.MinPingInterval = -1 }, []string{"grpc.min_ping_interval: must be > 0"}},
		{"grpc ping zero", func(c *Config) { c.GRPC.MinPingInterval = 0 }, []string{"grpc.min_ping_interval: must be > 0"}},
		{"tls cert without key", func(c *Config) { c.TLS.CertFile = "c.pem" }, []string{"tls: cert_file and key_file go together: set both or neither"}},
		{"tls key without cert", func(c *Config) { c.TLS.KeyFile = "k.pem" }, []string{"tls: cert_file and key_file go together: set both or neither"}},
		{"tls", func(c *Config) { c.TLS.CertFile, c.TLS.KeyFile, c.TLS.ClientCAFile = "c.pem", "k.pem", "ca.pem" }, nil},
		{"tls client CA without a certificate", func(c *Config) { c.TLS.ClientCAFile = "ca.pem" }, []string{"tls.client_ca_file: asks for client certificates, which needs cert_file and key_file"}},
		{"tls reload_interval", func(c *Config) { c.TLS.ReloadInterval = 0 }, []string{"tls.reload_interval: must be > 0"}},
		{"short token", func(c *Config) { c.Auth.Tokens = []string{"0123456789abcdef", "short"} }, []string{"auth.tokens[1]: must be at least 16 characters"}},
		{"short admin token", func(c *Config) { c.Auth.AdminTokens = []string{"0123456789abcdef", "short"} }, []string{"auth.admin_tokens[1]: must be at least 16 characters"}},
		{"admin token also a producer's", func(c *Config) {
			c.Auth.Tokens, c.Auth.AdminTokens = []string{"0123456789abcdef"}, []string{"fedcba9876543210", "0123456789abcdef"}
		}, []string{"auth.admin_tokens[1]: is also in auth.tokens; an admin token must be one of its own"}},
		{"reload interval", func(c *Config) { c.Reload.Interval = 0 }, []string{"reload.interval: must be > 0"}},
		{"console window under a minute", func(c *Config) { c.Console.Window = 30 * time.Second }, []string{"console.window: must be whole minutes from 1m to 24h"}},
		{"console window over a day", func(c *Config) { c.Console.Window = 25 * time.Hour }, []string{"console.window: must be whole minutes from 1m to 24h"}},
		{"console window not whole minutes", func(c *Config) { c.Console.Window = 90 * time.Second }, []string{"console.window: must be whole minutes from 1m to 24h"}},
		{"console max_groups", func(c *Config) { c.Console.MaxGroups = 0 }, []string{"console.max_groups: must be > 0"}},
		{"console samples", func(c *Config) { c.Console.Samples = 0 }, []string{"console.samples: must be > 0"}},
		{"console tail_rate", func(c *Config) { c.Console.TailRate = 0 }, []string{"console.tail_rate: must be > 0"}},
		{"console max_streams", func(c *Config) { c.Console.MaxStreams = 0 }, []string{"console.max_streams: must be > 0"}},
		{"console off is not checked", func(c *Config) { c.Console.Enabled, c.Console.Window, c.Console.MaxStreams = false, 0, 0 }, nil},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, []string{`log.level: "loud" is not one of debug, info, warn, error`}},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, []string{`log.format: "xml" is not one of json, text`}},
		{"drain_timeout", func(c *Config) { c.Shutdown.DrainTimeout = 0 }, []string{"shutdown.drain_timeout: must be > 0"}},
		{"memory release off", func(c *Config) { c.Memory.ReleaseAfter = 0 }, nil},
		{"memory release negative", func(c *Config) { c.Memory.ReleaseAfter = -time.Second }, []string{"memory.release_after: must be >= 0 (0: off)"}},
		{"heap floor off", func(c *Config) { c.Memory.HeapFloor = 0 }, nil},
		{"heap floor negative", func(c *Config) { c.Memory.HeapFloor = -1 }, []string{"memory.heap_floor: must be >= 0 (0: off)"}},
		{"nats action without servers", func(c *Config) { c.Actions = file(Action{Kind: "nats"}) }, []string{"nats.servers: must be set when a nats action, a webhook with delivery: nats or nats.fanout.types is configured"}},
		{"fan-out without servers", func(c *Config) { c.NATS.FanOut.Types = []string{"person"} }, []string{"nats.servers: must be set when a nats action, a webhook with delivery: nats or nats.fanout.types is configured"}},
		{"nats server not a URL", func(c *Config) { c.NATS.Servers = []string{"127.0.0.1:4222"} }, []string{`nats.servers[0]: "127.0.0.1:4222" is not a URL like nats://127.0.0.1:4222`}},
		{"nats two auths", func(c *Config) { c.NATS.Servers, c.NATS.Token, c.NATS.User = []string{"nats://x"}, "t", "u" }, []string{"nats: set one of token, user/password or creds_file"}},
		{"nats tls half", func(c *Config) { c.NATS.Servers, c.NATS.TLS.Cert = []string{"nats://x"}, "c.pem" }, []string{"nats.tls: cert and key go together"}},
		{"nats stream", func(c *Config) { c.NATS.Servers, c.NATS.Stream = []string{"nats://x"}, "a.b" }, []string{`nats.stream: "a.b" is not a stream name (letters, digits, _ and -)`}},
		{"nats subject prefix", func(c *Config) { c.NATS.Servers, c.NATS.SubjectPrefix = []string{"nats://x"}, "a..b" }, []string{`nats.subject_prefix: "a..b" is not dot-separated tokens of letters, digits, _ and -`}},
		{"nats replicas", func(c *Config) { c.NATS.Servers, c.NATS.Replicas = []string{"nats://x"}, 6 }, []string{"nats.replicas: must be 1 to 5"}},
		{"nats duplicate window", func(c *Config) { c.NATS.Servers, c.NATS.DuplicateWindow = []string{"nats://x"}, 0 }, []string{"nats.duplicate_window: must be > 0"}},
		{"nats publish timeout", func(c *Config) { c.NATS.Servers, c.NATS.PublishTimeout = []string{"nats://x"}, 0 }, []string{"nats.publish_timeout: must be > 0"}},
		{"nats reconnect wait", func(c *Config) { c.NATS.Servers, c.NATS.ReconnectWait = []string{"nats://x"}, 0 }, []string{"nats.reconnect_wait: must be > 0"}},
		{"nats fan-out type", func(c *Config) { c.NATS.Servers, c.NATS.FanOut.Types = []string{"nats://x"}, []string{"*", "Bad"} }, []string{`nats.fanout.types[1]: "Bad" is not an event type or *`}},
		{"nats off is not checked", func(c *Config) { c.NATS.Stream, c.NATS.Replicas, c.NATS.PublishTimeout = "a.b", 0, 0 }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.edit(&cfg)
			err := cfg.Validate()
			if got := problemLines(err); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("report:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// problemLines are the lines of a Validate error, "key: message", in the
// order it reports them (sorted).
func problemLines(err error) []string {
	if err == nil {
		return nil
	}
	var lines []string
	for _, line := range strings.Split(err.Error(), "\n")[1:] {
		lines = append(lines, strings.TrimSpace(line))
	}
	return lines
}
