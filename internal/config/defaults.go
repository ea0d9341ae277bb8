package config

import "time"

// The defaults other packages fall back to when a caller leaves a limit at
// zero. They live here, beside Default, so that configs/schemagate.yaml
// documents every one of them in one place (a test checks the file
// against Default).
const (
	// DefaultMaxDepth is the deepest nesting accepted in a frame. No
	// legitimate event comes near it; it exists so that a hostile frame
	// cannot make the parser or the validator recurse without end.
	DefaultMaxDepth = 1000
	// DefaultMaxDetails caps a report, so that a payload with thousands
	// of violations cannot amplify into a huge reply.
	DefaultMaxDetails = 20
	// DefaultHTTPMaxBody bounds a request body in bytes.
	DefaultHTTPMaxBody = 10 << 20
	// DefaultHTTPMaxBatch bounds the envelopes in one batch.
	DefaultHTTPMaxBatch = 1000
	// DefaultHTTPRequestTimeout bounds the work for one /v1/ request.
	DefaultHTTPRequestTimeout = 30 * time.Second
	// DefaultFileSync is a file action's fsync policy: the ack survives a
	// power cut, the promise an acknowledgement makes unless the
	// configuration says otherwise.
	DefaultFileSync = "always"
	// DefaultFileInterval is the fsync period of sync: interval.
	DefaultFileInterval = time.Second
	// DefaultFileMode is the permission of the files the gateway creates,
	// since events may carry personal data.
	DefaultFileMode = 0o600
	// DefaultFileMaxBatch bounds the bytes a file sink queues for its
	// writer (one more batch may be in the writer's hands).
	DefaultFileMaxBatch = 1 << 20

	// DefaultWebhookTimeout bounds one delivery attempt, the response
	// body included: a receiver that hangs costs a frame this long, not
	// forever.
	DefaultWebhookTimeout = 5 * time.Second
	// DefaultWebhookBackoff is the wait before a sync webhook's first
	// retry (it doubles after each): long enough for a blip to pass,
	// short enough that the client's frame still gets its answer soon.
	DefaultWebhookBackoff = 100 * time.Millisecond

	// DefaultBusyPoll is how long a reader may poll a quick client's
	// socket after a reply instead of parking: about twice such a
	// client's answer time on the test machine, so that most of its
	// frames are caught and a poll that misses costs little.
	DefaultBusyPoll = 50 * time.Microsecond
	// MaxBusyPoll bounds it: past a millisecond a poll costs more CPU
	// than the wake-up it saves.
	MaxBusyPoll = time.Millisecond

	// DefaultHeapFloor is the heap a busy gateway may grow to before it
	// collects: at GOGC=100 its few live megabytes would mean a collection
	// every 2-5 MB allocated, 3-7% of its CPU; a quiet gateway gives it
	// back (memory.release_after).
	DefaultHeapFloor = 32 << 20

	// DefaultOutboxSync is an outbox's fsync policy: the ack survives a
	// power cut, as a webhook's 2xx would have promised.
	DefaultOutboxSync = "always"
	// DefaultOutboxMaxBytes bounds the events an outbox keeps.
	DefaultOutboxMaxBytes = 256 << 20
	// DefaultOutboxOrder delivers one event at a time, in ack order.
	DefaultOutboxOrder = "endpoint"
	// DefaultOutboxConcurrency is the lanes of order: type and none.
	DefaultOutboxConcurrency = 4
	// DefaultOutboxHistory is how long delivered events stay for replay.
	DefaultOutboxHistory = 24 * time.Hour

	// DefaultNATSPublishTimeout bounds the wait for JetStream's ack of one
	// event: long enough for a cluster to elect a leader, short enough
	// that a client hears UNAVAILABLE while it can still retry elsewhere.
	DefaultNATSPublishTimeout = 2 * time.Second
	// DefaultNATSReconnectWait is the pause between reconnect attempts:
	// a restarted server is found within a fraction of a second, without
	// a dead one being dialled in a tight loop.
	DefaultNATSReconnectWait = 250 * time.Millisecond
)

// OrDefault is v, or def when v is zero or negative: how a size, count or
// interval a caller left unset (or set to nonsense) in a plain options
// struct falls back to one of the defaults above. Fields whose zero alone
// means unset (a negative value meaning "off") use cmp.Or instead.
func OrDefault[T ~int | ~int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// DefaultAction is what an action of kind takes for the keys its YAML
// leaves out (only the keys with a default are set). configs/schemagate.yaml
// documents these values (a test checks).
func DefaultAction(kind string) Action {
	switch kind {
	case "file":
		return Action{Kind: kind, File: File{Sync: DefaultFileSync}}
	case "webhook":
		return Action{Kind: kind, Webhook: Webhook{Timeout: DefaultWebhookTimeout, Backoff: DefaultWebhookBackoff}}
	}
	return Action{Kind: kind}
}

// DefaultOutboxSchedule is Svix's retry schedule, the wait before each
// attempt (the first immediate): eight attempts over about 27 hours.
func DefaultOutboxSchedule() []time.Duration {
	return []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute,
		2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}
}

// DefaultOutbox is an outbox webhook's outbox when its keys are left out
// (path has no default: each webhook needs a file of its own). The
// commented example in configs/schemagate.yaml documents these values (a
// test checks).
func DefaultOutbox() Outbox {
	return Outbox{Sync: DefaultOutboxSync, Interval: DefaultFileInterval, MaxBytes: DefaultOutboxMaxBytes,
		Schedule: DefaultOutboxSchedule(), Order: DefaultOutboxOrder, Concurrency: DefaultOutboxConcurrency,
		History: DefaultOutboxHistory}
}
