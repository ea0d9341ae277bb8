// Package config is schemagate's typed configuration: the struct every
// part is built from, its defaults and its checks. It is plain Go; the CLI
// fills it from YAML, environment and flags and then calls Validate once.
package config

import (
	"os"
	"strconv"
	"time"
)

// Config is the whole configuration. Field tags name the YAML keys.
type Config struct {
	// Listen is the host:port the server binds.
	Listen string `mapstructure:"listen"`
	// Schemas is where the schema tree is and how it is compiled.
	Schemas Schemas `mapstructure:"schemas"`
	// Handlers lists the built-in typed handlers to enable, as "type/vN".
	Handlers []string `mapstructure:"handlers"`
	// Actions are the named sinks that routes use.
	Actions map[string]Action `mapstructure:"actions"`
	// Routes bind a schema to actions; schemas without one use DefaultActions.
	Routes []Route `mapstructure:"routes"`
	// DefaultActions apply to every schema without a route; empty means
	// acknowledge once valid.
	DefaultActions []string `mapstructure:"default_actions"`
	// DeadLetter records rejected frames, when Path is set.
	DeadLetter DeadLetter `mapstructure:"dead_letter"`
	// WebSocket tunes the WebSocket front door.
	WebSocket WebSocket `mapstructure:"websocket"`
	// HTTP tunes the HTTP API.
	HTTP HTTP `mapstructure:"http"`
	// GRPC is the gRPC door; its limits are the WebSocket's.
	GRPC GRPC `mapstructure:"grpc"`
	// Auth guards upgrades and the HTTP API with bearer tokens.
	Auth Auth `mapstructure:"auth"`
	// Reload says when the gateway re-reads its configuration by itself.
	Reload Reload `mapstructure:"reload"`
	// TLS serves HTTPS and WSS (and gRPC) directly, when CertFile is set.
	TLS ServerTLS `mapstructure:"tls"`
	// Log configures structured logging.
	Log Log `mapstructure:"log"`
	// Shutdown bounds the graceful drain.
	Shutdown Shutdown `mapstructure:"shutdown"`
	// Memory says when the process gives memory back to the system.
	Memory Memory `mapstructure:"memory"`
	// NATS is JetStream for the nats action and the fan-out; off unless
	// servers are set.
	NATS NATS `mapstructure:"nats"`
	// Console is the embedded web console at /ui/.
	Console Console `mapstructure:"console"`
}

// Schemas locates and compiles the schema tree.
type Schemas struct {
	Dir          string `mapstructure:"dir"`
	DefaultDraft string `mapstructure:"default_draft"`
	AssertFormat bool   `mapstructure:"assert_format"`
	MaxDetails   int    `mapstructure:"max_details"`
	MaxDepth     int    `mapstructure:"max_depth"`
	// Compat is the compatibility each type's versions must keep; serve
	// refuses a tree that breaks it.
	Compat Compat `mapstructure:"compat"`
}

// Compat is the compatibility mode of each type's versions: backward
// (each version accepts what the one before it did), forward, full
// (both) or none.
type Compat struct {
	// Mode applies to every type Types does not name.
	Mode string `mapstructure:"mode"`
	// Transitive judges each version against every earlier one.
	Transitive bool `mapstructure:"transitive"`
	// Types are per-type modes: {person: full, echo: none}.
	Types map[string]string `mapstructure:"types"`
}

// CompatModes lists the accepted compatibility modes.
func CompatModes() []string { return []string{"backward", "forward", "full", "none"} }

// Action is one named sink. Kind selects which fields apply: File's for
// a file action, Webhook's for a webhook, none for log and nats. Both are
// squashed into one YAML mapping, so Validate (and, for YAML,
// CheckActionKeys) refuses a field of another kind rather than ignore it.
type Action struct {
	Kind    string `mapstructure:"kind"` // log, file, webhook, nats
	File    `mapstructure:",squash"`
	Webhook `mapstructure:",squash"`
}

// File is a file sink's settings (also the dead letter's).
type File struct {
	Path     string        `mapstructure:"path"`
	Sync     string        `mapstructure:"sync"` // always, interval, never
	Interval time.Duration `mapstructure:"interval"`
	// FileMode is the octal permission of a file the gateway creates
	// (empty: "0600", since events may carry personal data); its folder,
	// when made, gets the same plus x where r is ("0700").
	FileMode string `mapstructure:"file_mode"`
}

// DeadLetter is the dead letter's file and its cap on disk.
type DeadLetter struct {
	File `mapstructure:",squash"`
	// MaxBytes bounds the file and its one rotated generation together.
	MaxBytes int64 `mapstructure:"max_bytes"`
}

// Perm is FileMode as a permission: 0600 when empty (and for a mode that
// does not parse, which Validate refuses).
func (f File) Perm() os.FileMode {
	m, err := strconv.ParseUint(f.FileMode, 8, 32)
	if err != nil || m > 0o777 {
		return DefaultFileMode
	}
	return os.FileMode(m)
}

// Webhook is a webhook sink's settings.
type Webhook struct {
	URL     string            `mapstructure:"url"`
	Timeout time.Duration     `mapstructure:"timeout"`
	Retries int               `mapstructure:"retries"`
	Backoff time.Duration     `mapstructure:"backoff"`
	Headers map[string]string `mapstructure:"headers"`
	// Secret and Secrets sign every delivery the Standard Webhooks way;
	// each is env:NAME, file:PATH or the whsec_ secret itself (see
	// ResolveSecrets). Every secret signs, for rotation.
	Secret  string   `mapstructure:"secret"`
	Secrets []string `mapstructure:"secrets"`
	// SigningSecrets are the secrets Secret and Secrets name, filled by
	// ResolveSecrets; never read from the file, never logged.
	SigningSecrets []string `mapstructure:"-"`
	// Delivery is sync (the ack waits for the receiver's 2xx; Retries
	// and Backoff apply) or outbox (the ack waits for the outbox).
	Delivery string `mapstructure:"delivery"`
	// Outbox is the outbox of delivery: outbox.
	Outbox Outbox `mapstructure:"outbox"`
}

// Outbox is where a webhook's events wait for delivery, and how they are
// retried.
type Outbox struct {
	Path     string        `mapstructure:"path"`
	Sync     string        `mapstructure:"sync"` // always (default), interval, never
	Interval time.Duration `mapstructure:"interval"`
	MaxBytes int64         `mapstructure:"max_bytes"`
	// Schedule is the wait before each attempt; empty means Svix's.
	Schedule    []time.Duration `mapstructure:"schedule"`
	Order       string          `mapstructure:"order"` // endpoint (default), type, none
	Concurrency int             `mapstructure:"concurrency"`
	History     time.Duration   `mapstructure:"history"`
}

// Route sends one schema's accepted events to named actions.
type Route struct {
	Type    string   `mapstructure:"type"`
	Version int      `mapstructure:"version"`
	Actions []string `mapstructure:"actions"`
	// Log asks for the event's data in the log lines of this route's log
	// actions and typed handler, which otherwise log it only at DEBUG.
	Log RouteLog `mapstructure:"log"`
	// Candidate, when not 0, is another version of the same type that
	// judges every frame of this route too, for comparison only: the
	// client gets this version's verdict.
	Candidate int `mapstructure:"candidate"`
	// Mode is enforce (the default when empty) or shadow: invalid frames
	// are acknowledged and delivered, and their report is logged, counted
	// and dead-lettered. Only for routes without a typed handler.
	Mode string `mapstructure:"mode"`
}

// The route modes.
const (
	ModeEnforce = "enforce"
	ModeShadow  = "shadow"
)

// Shadow reports a route in shadow mode.
func (r Route) Shadow() bool { return r.Mode == ModeShadow }

// RouteLog is what a route's log lines carry.
type RouteLog struct {
	Data bool `mapstructure:"data"`
}

// WebSocket tunes connections.
type WebSocket struct {
	Path             string        `mapstructure:"path"`
	ReadLimit        int64         `mapstructure:"read_limit"`
	SendQueueBytes   int           `mapstructure:"send_queue_bytes"`
	MaxInflightBytes int64         `mapstructure:"max_inflight_bytes"`
	WriteTimeout     time.Duration `mapstructure:"write_timeout"`
	PongTimeout      time.Duration `mapstructure:"pong_timeout"`
	PingInterval     time.Duration `mapstructure:"ping_interval"`
	HandshakeTimeout time.Duration `mapstructure:"handshake_timeout"`
	IdleTimeout      time.Duration `mapstructure:"idle_timeout"`
	MaxLifetime      time.Duration `mapstructure:"max_lifetime"`
	MaxConnections   int           `mapstructure:"max_connections"`
	BusyPoll         time.Duration `mapstructure:"busy_poll"`
	AllowedOrigins   []string      `mapstructure:"allowed_origins"`
	RateLimit        RateLimit     `mapstructure:"rate_limit"`
	Bare             []Bare        `mapstructure:"bare"`
}

// RateLimit bounds frames per connection: a token bucket of Burst tokens
// refilled at PerSecond; a connection over it MaxViolations times in a row
// is closed with 1008. PerSecond 0 turns it off.
type RateLimit struct {
	PerSecond     float64 `mapstructure:"per_second"`
	Burst         int     `mapstructure:"burst"`
	MaxViolations int     `mapstructure:"max_violations"`
}

// Bare binds a WebSocket path to one schema: each text frame is the data.
type Bare struct {
	Path    string `mapstructure:"path"`
	Type    string `mapstructure:"type"`
	Version int    `mapstructure:"version"`
	// Raw echoes frames that are not JSON as they came (echo routes only).
	Raw bool `mapstructure:"raw"`
}

// HTTP tunes the HTTP API.
type HTTP struct {
	MaxBody           int64         `mapstructure:"max_body"`
	MaxBatch          int           `mapstructure:"max_batch"`
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout"`
	ReadTimeout       time.Duration `mapstructure:"read_timeout"`
	WriteTimeout      time.Duration `mapstructure:"write_timeout"`
	RequestTimeout    time.Duration `mapstructure:"request_timeout"`
	// AllowedHosts are the Host names served ("*": any); others get 421.
	// Empty: loopback names and addresses when Listen is loopback, any
	// Host otherwise.
	AllowedHosts []string `mapstructure:"allowed_hosts"`
	// MaxInflight caps the /v1/ requests served at once.
	MaxInflight MaxInflight `mapstructure:"max_inflight"`
}

// MaxInflight caps concurrent /v1/ requests and the body bytes they hold;
// past either a request gets 503 with Retry-After.
type MaxInflight struct {
	Requests int   `mapstructure:"requests"`
	Bytes    int64 `mapstructure:"bytes"`
}

// GRPC tunes the gRPC door (schemagate.v1.EventService, health,
// reflection). It shares the WebSocket's limits: read_limit bounds an
// Event, max_connections the connections, rate_limit each connection's
// events, ping_interval and pong_timeout its keepalive, idle_timeout and
// max_lifetime its life; auth.tokens guard it.
type GRPC struct {
	// Listen is the host:port of the gRPC server; empty turns it off.
	Listen string `mapstructure:"listen"`
	// MinPingInterval is the shortest keepalive ping interval a client may
	// use; one pinging more often is sent away (GOAWAY too_many_pings).
	MinPingInterval time.Duration `mapstructure:"min_ping_interval"`
}

// Auth holds the accepted bearer tokens; none means auth is off.
// Tokens are producers': upgrades, events, schemas, documents.
// AdminTokens alone open the operators' routes under /v1/admin/ (webhook
// replay, reload, ...): a producer token is refused there, and with
// Tokens set but no AdminTokens those routes are closed to everyone.
type Auth struct {
	Tokens      []string `mapstructure:"tokens"`
	AdminTokens []string `mapstructure:"admin_tokens"`
}

// Enabled reports whether any token, producer or admin, is configured.
func (a Auth) Enabled() bool { return len(a.Tokens) > 0 || len(a.AdminTokens) > 0 }

// Reload says when the gateway reloads by itself: with Watch, the
// configuration file and the schema tree are checksummed every Interval
// and reloaded when either changed (polling, since a Kubernetes ConfigMap
// changes by a symlink swap that file-event watchers miss). SIGHUP and
// POST /v1/admin/reload work either way.
type Reload struct {
	Watch    bool          `mapstructure:"watch"`
	Interval time.Duration `mapstructure:"interval"`
}

// ServerTLS names the server's PEM files; they are re-read every ReloadInterval
// and a changed pair is served to new handshakes. ClientCAFile, when set,
// makes every client present a certificate one of its CAs signed.
type ServerTLS struct {
	CertFile       string        `mapstructure:"cert_file"`
	KeyFile        string        `mapstructure:"key_file"`
	ClientCAFile   string        `mapstructure:"client_ca_file"`
	ReloadInterval time.Duration `mapstructure:"reload_interval"`
}

// Enabled reports whether the server speaks TLS.
func (t ServerTLS) Enabled() bool { return t.CertFile != "" }

// Log configures slog.
type Log struct {
	Level  string `mapstructure:"level"`  // debug, info, warn, error
	Format string `mapstructure:"format"` // json, text
}

// Shutdown bounds the drain on SIGINT/SIGTERM.
type Shutdown struct {
	DrainTimeout time.Duration `mapstructure:"drain_timeout"`
}

// Memory says when the heap's free memory goes back to the system
// (internal/memrelease).
type Memory struct {
	// ReleaseAfter is how long allocation must stay quiet before the heap
	// beyond what is live is returned to the system; 0 leaves it to the Go
	// runtime.
	ReleaseAfter time.Duration `mapstructure:"release_after"`
	// HeapFloor is the heap size, in bytes, below which the collector
	// does not run while the live heap is small (see internal/heapfloor);
	// 0 leaves collection to GOGC alone.
	HeapFloor int64 `mapstructure:"heap_floor"`
}

// Default is the configuration when nothing is set: the values the shipped
// configs/schemagate.yaml documents.
func Default() Config {
	return Config{
		Listen: "127.0.0.1:8080",
		Schemas: Schemas{Dir: "schemas", DefaultDraft: "2020-12", AssertFormat: true, MaxDetails: DefaultMaxDetails, MaxDepth: DefaultMaxDepth,
			Compat: Compat{Mode: "backward"}},
		WebSocket: WebSocket{
			Path: "/ws", ReadLimit: 1 << 20, SendQueueBytes: 4 << 20, MaxInflightBytes: 256 << 20,
			WriteTimeout: 10 * time.Second, PongTimeout: 60 * time.Second, PingInterval: 50 * time.Second,
			HandshakeTimeout: 10 * time.Second, MaxConnections: 10000, BusyPoll: DefaultBusyPoll,
			RateLimit: RateLimit{MaxViolations: 100},
		},
		HTTP: HTTP{MaxBody: DefaultHTTPMaxBody, MaxBatch: DefaultHTTPMaxBatch, ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second, RequestTimeout: DefaultHTTPRequestTimeout,
			MaxInflight: MaxInflight{Requests: 256, Bytes: 64 << 20}},
		GRPC:       GRPC{Listen: "127.0.0.1:9090", MinPingInterval: 10 * time.Second},
		DeadLetter: DeadLetter{File: File{Sync: "interval", Interval: DefaultFileInterval, FileMode: "0600"}, MaxBytes: 64 << 20},
		TLS:        ServerTLS{ReloadInterval: 10 * time.Second},
		Reload:     Reload{Interval: 10 * time.Second},
		Log:        Log{Level: "info", Format: "json"},
		Shutdown:   Shutdown{DrainTimeout: 15 * time.Second},
		Memory:     Memory{ReleaseAfter: 2 * time.Second, HeapFloor: DefaultHeapFloor},
		NATS:       defaultNATS(),
		Console:    defaultConsole(),
	}
}
