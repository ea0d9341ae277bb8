package config

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestEveryCheck drives each check of Validate from a valid configuration:
// one mistake, and exactly the keys it must name.
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
		keys []string // the keys the report names, sorted
	}{
		{"defaults", func(c *Config) {}, nil},
		{"listen without port", func(c *Config) { c.Listen = "8080" }, []string{"listen"}},
		{"schemas.dir empty", func(c *Config) { c.Schemas.Dir = "" }, []string{"schemas.dir"}},
		{"max_details 0", func(c *Config) { c.Schemas.MaxDetails = 0 }, []string{"schemas.max_details"}},
		{"max_depth negative", func(c *Config) { c.Schemas.MaxDepth = -1 }, []string{"schemas.max_depth"}},
		{"compat mode", func(c *Config) { c.Schemas.Compat.Mode = "sideways" }, []string{"schemas.compat.mode"}},
		{"compat type name", func(c *Config) { c.Schemas.Compat.Types = map[string]string{"Bad Type": "full"} }, []string{"schemas.compat.types.Bad Type"}},
		{"compat type mode", func(c *Config) { c.Schemas.Compat.Types = map[string]string{"person": "most"} }, []string{"schemas.compat.types.person"}},
		{"handler name", func(c *Config) { c.Handlers = []string{"person/v1", "Person/1"} }, []string{"handlers[1]"}},
		{"action kind", func(c *Config) { c.Actions = file(Action{Kind: "queue"}) }, []string{"actions.a.kind"}},
		{"file without path", func(c *Config) { c.Actions = file(Action{Kind: "file", File: File{Sync: "always"}}) }, []string{"actions.a.path"}},
		{"file sync", func(c *Config) { c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "sometimes"}}) }, []string{"actions.a.sync"}},
		{"file interval", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "interval"}})
		}, []string{"actions.a.interval"}},
		{"file mode not octal", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "rw"}})
		}, []string{"actions.a.file_mode"}},
		{"file mode the gateway cannot write", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "0444"}})
		}, []string{"actions.a.file_mode"}},
		{"file mode widened", func(c *Config) {
			c.Actions = file(Action{Kind: "file", File: File{Path: "x", Sync: "never", FileMode: "0644"}})
		}, nil},
		{"webhook url", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.URL = "ftp://x" }) }, []string{"actions.w.url"}},
		{"webhook timeout", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Timeout = 0 }) }, []string{"actions.w.timeout"}},
		{"webhook retries", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Retries = -1 }) }, []string{"actions.w.retries"}},
		{"webhook delivery", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "pigeon" }) }, []string{"actions.w.delivery"}},
		{"outbox without path", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "outbox" }) }, []string{"actions.w.outbox.path"}},
		{"outbox limits", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", MaxBytes: -1} })
		}, []string{"actions.w.outbox"}},
		{"outbox schedule", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Schedule: []time.Duration{-1}} })
		}, []string{"actions.w.outbox.schedule[0]"}},
		{"outbox order", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Order: "random"} })
		}, []string{"actions.w.outbox.order"}},
		{"outbox sync", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) { w.Delivery, w.Outbox = "outbox", Outbox{Path: "o", Sync: "later"} })
		}, []string{"actions.w.outbox.sync"}},
		{"two outboxes, one file", func(c *Config) {
			w := hook
			w.Delivery, w.Outbox = "outbox", Outbox{Path: "o"}
			c.Actions = map[string]Action{"w1": {Kind: "webhook", Webhook: w}, "w2": {Kind: "webhook", Webhook: w}}
		}, []string{"actions.w2.outbox.path"}},
		{"webhook through NATS with a name NATS refuses", func(c *Config) {
			w := hook
			w.Delivery = "nats"
			c.Actions = map[string]Action{"bad.name": {Kind: "webhook", Webhook: w}}
			c.NATS.Servers = []string{"nats://x"}
		}, []string{"actions.bad.name"}},
		{"webhook through NATS: only the schedule", func(c *Config) {
			c.Actions = withHook(func(w *Webhook) {
				w.Delivery, w.Outbox = "nats", Outbox{Order: "random", Schedule: []time.Duration{time.Second, -1}}
			})
			c.NATS.Servers = []string{"nats://x"}
		}, []string{"actions.w.outbox.schedule[1]"}},
		{"webhook through NATS needs servers", func(c *Config) { c.Actions = withHook(func(w *Webhook) { w.Delivery = "nats" }) },
			[]string{"nats.servers"}},
		{"default action undefined", func(c *Config) { c.DefaultActions = []string{"nope"} }, []string{"default_actions"}},
		{"route key", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 0}} }, []string{"routes[0]"}},
		{"route action undefined", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Actions: []string{"nope"}}} }, []string{"routes[0].actions"}},
		{"route candidate", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Candidate: 2}} }, nil},
		{"route candidate negative", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Candidate: -2}} }, []string{"routes[0].candidate"}},
		{"route candidate its own version", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 2, Candidate: 2}} }, []string{"routes[0].candidate"}},
		{"route mode", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Mode: "audit"}} }, []string{"routes[0].mode"}},
		{"route mode enforce", func(c *Config) { c.Routes = []Route{{Type: "person", Version: 1, Mode: ModeEnforce}} }, nil},
		{"route shadow", func(c *Config) {
			c.Handlers, c.Routes = []string{"person/v2"}, []Route{{Type: "person", Version: 1, Mode: ModeShadow}}
		}, nil},
		{"route shadow with a typed handler", func(c *Config) {
			c.Handlers, c.Routes = []string{"person/v1"}, []Route{{Type: "person", Version: 1, Mode: ModeShadow}}
		}, []string{"routes[0].mode"}},
		{"dead letter sync", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.Sync = "d", "maybe" }, []string{"dead_letter.sync"}},
		{"dead letter max_bytes", func(c *Config) { c.DeadLetter.Path, c.DeadLetter.MaxBytes = "d", 0 }, []string{"dead_letter.max_bytes"}},
		{"dead letter off is not checked", func(c *Config) { c.DeadLetter.Sync, c.DeadLetter.MaxBytes = "maybe", 0 }, nil},
		{"websocket path", func(c *Config) { c.WebSocket.Path = "ws" }, []string{"websocket.path"}},
		{"read_limit", func(c *Config) { c.WebSocket.ReadLimit = 0 }, []string{"websocket.read_limit"}},
		{"send_queue_bytes", func(c *Config) { c.WebSocket.SendQueueBytes = 0 }, []string{"websocket.send_queue_bytes"}},
		{"max_inflight_bytes", func(c *Config) { c.WebSocket.MaxInflightBytes = 0 }, []string{"websocket.max_inflight_bytes"}},
		{"max_connections", func(c *Config) { c.WebSocket.MaxConnections = 0 }, []string{"websocket.max_connections"}},
		{"write_timeout", func(c *Config) { c.WebSocket.WriteTimeout = 0 }, []string{"websocket.write_timeout"}},
		{"handshake_timeout", func(c *Config) { c.WebSocket.HandshakeTimeout = 0 }, []string{"websocket.handshake_timeout"}},
		{"ping not shorter than pong", func(c *Config) { c.WebSocket.PingInterval = c.WebSocket.PongTimeout }, []string{"websocket.ping_interval"}},
		{"pong_timeout 0", func(c *Config) { c.WebSocket.PongTimeout, c.WebSocket.PingInterval = 0, -1 },
			[]string{"websocket.ping_interval", "websocket.pong_timeout"}},
		{"idle negative", func(c *Config) { c.WebSocket.IdleTimeout = -1 }, []string{"websocket"}},
		{"rate without burst", func(c *Config) { c.WebSocket.RateLimit.PerSecond = 5 }, []string{"websocket.rate_limit"}},
		{"rate negative", func(c *Config) { c.WebSocket.RateLimit.PerSecond = -1 }, []string{"websocket.rate_limit"}},
		{"bare path twice", func(c *Config) {
			c.WebSocket.Bare = []Bare{{Path: "/p", Type: "person", Version: 1}, {Path: "/p", Type: "person", Version: 1}}
		}, []string{"websocket.bare[1].path"}},
		{"bare path is /ws", func(c *Config) { c.WebSocket.Bare = []Bare{{Path: "/ws", Type: "echo", Version: 1}} }, []string{"websocket.bare[0].path"}},
		{"bare key", func(c *Config) { c.WebSocket.Bare = []Bare{{Path: "/p", Type: "", Version: 1}} }, []string{"websocket.bare[0]"}},
		{"max_body", func(c *Config) { c.HTTP.MaxBody = 0 }, []string{"http.max_body"}},
		{"max_batch", func(c *Config) { c.HTTP.MaxBatch = 0 }, []string{"http.max_batch"}},
		{"request_timeout", func(c *Config) { c.HTTP.RequestTimeout = 0 }, []string{"http.request_timeout"}},
		{"max_inflight.requests", func(c *Config) { c.HTTP.MaxInflight.Requests = 0 }, []string{"http.max_inflight.requests"}},
		{"max_inflight.bytes below max_body", func(c *Config) { c.HTTP.MaxInflight.Bytes = c.HTTP.MaxBody - 1 }, []string{"http.max_inflight.bytes"}},
		{"allowed_hosts with a port", func(c *Config) { c.HTTP.AllowedHosts = []string{"gw.example", "gw.example:80", ""} },
			[]string{"http.allowed_hosts[1]", "http.allowed_hosts[2]"}},
		{"allowed_hosts IPv6 and wildcards", func(c *Config) { c.HTTP.AllowedHosts = []string{"::1", "*.gw.example", "*"} }, nil},
		{"grpc listen", func(c *Config) { c.GRPC.Listen = "9090" }, []string{"grpc.listen"}},
		{"grpc on the http port", func(c *Config) { c.GRPC.Listen = c.Listen }, []string{"grpc.listen"}},
		{"grpc off", func(c *Config) { c.GRPC.Listen = "" }, nil},
		{"grpc ping", func(c *Config) { c.GRPC.MinPingInterval = -1 }, []string{"grpc.min_ping_interval"}},
		{"grpc ping zero", func(c *Config) { c.GRPC.MinPingInterval = 0 }, []string{"grpc.min_ping_interval"}},
		{"short token", func(c *Config) { c.Auth.Tokens = []string{"0123456789abcdef", "short"} }, []string{"auth.tokens[1]"}},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, []string{"log.level"}},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, []string{"log.format"}},
		{"drain_timeout", func(c *Config) { c.Shutdown.DrainTimeout = 0 }, []string{"shutdown.drain_timeout"}},
		{"memory release off", func(c *Config) { c.Memory.ReleaseAfter = 0 }, nil},
		{"memory release negative", func(c *Config) { c.Memory.ReleaseAfter = -time.Second }, []string{"memory.release_after"}},
		{"nats action without servers", func(c *Config) { c.Actions = file(Action{Kind: "nats"}) }, []string{"nats.servers"}},
		{"fan-out without servers", func(c *Config) { c.NATS.FanOut.Types = []string{"person"} }, []string{"nats.servers"}},
		{"nats server not a URL", func(c *Config) { c.NATS.Servers = []string{"127.0.0.1:4222"} }, []string{"nats.servers[0]"}},
		{"nats two auths", func(c *Config) { c.NATS.Servers, c.NATS.Token, c.NATS.User = []string{"nats://x"}, "t", "u" }, []string{"nats"}},
		{"nats tls half", func(c *Config) { c.NATS.Servers, c.NATS.TLS.Cert = []string{"nats://x"}, "c.pem" }, []string{"nats.tls"}},
		{"nats stream", func(c *Config) { c.NATS.Servers, c.NATS.Stream = []string{"nats://x"}, "a.b" }, []string{"nats.stream"}},
		{"nats subject prefix", func(c *Config) { c.NATS.Servers, c.NATS.SubjectPrefix = []string{"nats://x"}, "a..b" }, []string{"nats.subject_prefix"}},
		{"nats replicas", func(c *Config) { c.NATS.Servers, c.NATS.Replicas = []string{"nats://x"}, 6 }, []string{"nats.replicas"}},
		{"nats duplicate window", func(c *Config) { c.NATS.Servers, c.NATS.DuplicateWindow = []string{"nats://x"}, 0 }, []string{"nats.duplicate_window"}},
		{"nats publish timeout", func(c *Config) { c.NATS.Servers, c.NATS.PublishTimeout = []string{"nats://x"}, 0 }, []string{"nats.publish_timeout"}},
		{"nats reconnect wait", func(c *Config) { c.NATS.Servers, c.NATS.ReconnectWait = []string{"nats://x"}, 0 }, []string{"nats.reconnect_wait"}},
		{"nats fan-out type", func(c *Config) { c.NATS.Servers, c.NATS.FanOut.Types = []string{"nats://x"}, []string{"*", "Bad"} }, []string{"nats.fanout.types[1]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.edit(&cfg)
			err := cfg.Validate()
			if got := problemKeys(err); strings.Join(got, " ") != strings.Join(c.keys, " ") {
				t.Fatalf("report names %v, want %v:\n%v", got, c.keys, err)
			}
		})
	}
}

// problemKeys are the keys a Validate error names, sorted.
func problemKeys(err error) []string {
	if err == nil {
		return nil
	}
	var keys []string
	for _, line := range strings.Split(err.Error(), "\n")[1:] {
		key, _, _ := strings.Cut(strings.TrimSpace(line), ": ")
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
