package natsbus

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Hub fans accepted events out to subscribers in this process. It reads
// the stream with one ordered JetStream consumer that starts at new
// messages, so a subscriber sees what any gateway instance stored (once
// per id, resends de-duplicated by the stream), and never an event whose
// publish failed. Subscribers are matched by type in memory; NATS sees
// one consumer per gateway however many subscribers there are.
type Hub struct {
	b      *Bus
	types  []string
	mu     sync.RWMutex
	subs   map[string]map[*subscriber]struct{} // by event type
	cancel context.CancelFunc
	done   chan struct{}
	// consumeMu guards consuming, the running consumer to stop on Close.
	consumeMu sync.Mutex
	consuming jetstream.ConsumeContext
}

type subscriber struct {
	deliver func(frame []byte)
}

// Hub starts the fan-out of the given types ("*" for all). The consumer
// is created in the background, retried until NATS and the stream are
// there, and kept by the client across reconnects.
func (b *Bus) Hub(types []string) *Hub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{b: b, types: types, subs: map[string]map[*subscriber]struct{}{}, cancel: cancel, done: make(chan struct{})}
	go h.start(ctx)
	return h
}

// Subscribe calls deliver with the frame of every event of types that
// arrives until cancel is called; once cancel returns, deliver is not
// called again. deliver must not block: it holds up every subscriber.
func (h *Hub) Subscribe(types []string, deliver func(frame []byte)) (cancel func()) {
	s := &subscriber{deliver: deliver}
	h.mu.Lock()
	for _, t := range types {
		if h.subs[t] == nil {
			h.subs[t] = map[*subscriber]struct{}{}
		}
		h.subs[t][s] = struct{}{}
	}
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, t := range types {
			delete(h.subs[t], s)
			if len(h.subs[t]) == 0 {
				delete(h.subs, t)
			}
		}
	}
}

// Close stops consuming. Subscribers stay registered but get nothing more.
func (h *Hub) Close(context.Context) error {
	h.cancel()
	<-h.done
	h.consumeMu.Lock()
	defer h.consumeMu.Unlock()
	if h.consuming != nil {
		h.consuming.Stop()
	}
	return nil
}

// start creates the consumer, retrying with a growing pause (at most 5s)
// until it succeeds or the hub is closed.
func (h *Hub) start(ctx context.Context) {
	defer close(h.done)
	pause := 100 * time.Millisecond
	for {
		err := h.consume(ctx)
		if err == nil {
			return
		}
		h.b.log.Warn("nats fan-out not started yet; retrying", "err", err, "in", pause.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

func (h *Hub) consume(ctx context.Context) error {
	actx, cancel := context.WithTimeout(ctx, h.b.cfg.PublishTimeout)
	defer cancel()
	if err := h.b.ensure(actx); err != nil {
		return err
	}
	cons, err := h.b.js.OrderedConsumer(actx, h.b.cfg.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: h.filters(),
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return err
	}
	cc, err := cons.Consume(h.dispatch, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		h.b.log.Warn("nats fan-out: consumer trouble; the client recovers it", "err", err)
	}))
	if err != nil {
		return err
	}
	h.consumeMu.Lock()
	h.consuming = cc
	h.consumeMu.Unlock()
	h.b.log.Info("nats fan-out started", "stream", h.b.cfg.Stream, "types", h.types)
	return nil
}

// filters are the subjects of the allowed types, every version each.
func (h *Hub) filters() []string {
	out := make([]string, 0, len(h.types))
	for _, t := range h.types {
		if t == "*" {
			return []string{h.b.cfg.SubjectPrefix + ".>"}
		}
		out = append(out, h.b.cfg.SubjectPrefix+"."+t+".*")
	}
	return out
}

// dispatch hands one stored event to the subscribers of its type. The
// subject says the type, so an event nobody here wants is not decoded.
func (h *Hub) dispatch(m jetstream.Msg) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.subs[h.typeOf(m.Subject())]) == 0 {
		return
	}
	frame, typ, err := subscriberFrame(m.Data())
	if err != nil {
		h.b.log.Warn("nats fan-out: message is not an event record; skipped", "subject", m.Subject(), "err", err)
		return
	}
	for s := range h.subs[typ] {
		s.deliver(frame)
	}
}

// typeOf reads the type out of <prefix>.<type>.v<N>.
func (h *Hub) typeOf(subject string) string {
	rest := strings.TrimPrefix(subject, h.b.cfg.SubjectPrefix+".")
	if i := strings.LastIndexByte(rest, '.'); i > 0 {
		return rest[:i]
	}
	return ""
}
