package grpcapi

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/ratelimit"
	"github.com/schemagate/schemagate/internal/status"
	"github.com/schemagate/schemagate/internal/telemetry"
)

// Publish answers one event; a rejection is the RPC's status.
func (s *Server) Publish(ctx context.Context, ev *schemagatev1.Event) (*schemagatev1.Reply, error) {
	if ok, _ := allow(ctx); !ok {
		s.refused(telemetry.CloseRate)
		return nil, s.p.RefuseParts(ratelimit.Refused())
	}
	v := s.p.Parts(ctx, ev.GetId(), ev.GetType(), uint64(ev.GetVersion()), ev.GetData(), time.Now())
	if v.Err != nil {
		return nil, v.Err
	}
	return &schemagatev1.Reply{Id: ev.GetId(), Ok: true, Result: v.Result}, nil
}

// The worker's states; see the package doc.
const (
	idle int32 = iota
	busy
	ended
)

// PublishStream answers each event in order with a Reply; a rejection is
// the reply's error and the stream goes on. It ends when the client ends
// its side (OK), when the connection breaks, when a drain finds it idle
// (UNAVAILABLE), or after MaxViolations events in a row over the rate
// limit (RESOURCE_EXHAUSTED).
func (s *Server) PublishStream(stream grpc.BidiStreamingServer[schemagatev1.Event, schemagatev1.Reply]) error {
	w := &worker{s: s, stream: stream}
	done := make(chan error, 1)
	go func() { done <- w.run() }()
	select {
	case err := <-done:
		return err
	case <-s.drain:
	}
	if w.state.CompareAndSwap(idle, ended) {
		// The worker waits in Recv and owes nothing; whatever it receives
		// from now on is dropped unanswered, hence never acknowledged.
		s.refused(telemetry.RejectUnavailable)
		return errDraining()
	}
	return <-done
}

func errDraining() *status.Error {
	return status.New(codes.Unavailable, "the server is draining; reconnect and resend what was not answered")
}

type worker struct {
	s      *Server
	stream grpc.BidiStreamingServer[schemagatev1.Event, schemagatev1.Reply]
	state  atomic.Int32
}

func (w *worker) run() error {
	ctx := w.stream.Context()
	// Both reused: Recv decodes into fresh storage for the data (which a
	// handler may keep), and Send has encoded the reply when it returns.
	var reply schemagatev1.Reply
	ev := new(schemagatev1.Event)
	for {
		if err := w.stream.RecvMsg(ev); err != nil {
			w.s.refusedDecode(err)
			return endOfStream(err)
		}
		received := time.Now()
		if !w.state.CompareAndSwap(idle, busy) {
			return nil // the handler has ended the stream for a drain
		}
		end := w.answer(ctx, ev, received, &reply)
		if end == nil {
			end = w.stream.Send(&reply)
		}
		if end != nil {
			w.state.Store(ended)
			return end
		}
		w.state.Store(idle)
		if w.s.draining() && w.state.CompareAndSwap(idle, ended) {
			w.s.refused(telemetry.RejectUnavailable)
			return errDraining()
		}
	}
}

// answer fills reply for ev. A non-nil error ends the stream instead.
func (w *worker) answer(ctx context.Context, ev *schemagatev1.Event, received time.Time, reply *schemagatev1.Reply) error {
	reply.Id, reply.Ok, reply.Result, reply.Error = ev.GetId(), false, nil, nil
	var v pipeline.Verdict
	switch ok, over := allow(ctx); {
	case over:
		w.s.refused(telemetry.CloseRate)
		return status.New(codes.ResourceExhausted, "rate limit exceeded too many times in a row")
	case !ok:
		w.s.refused(telemetry.CloseRate)
		v.Err = w.s.p.RefuseParts(ratelimit.Refused())
	default:
		v = w.s.p.Parts(ctx, ev.GetId(), ev.GetType(), uint64(ev.GetVersion()), ev.GetData(), received)
	}
	if v.Err != nil {
		reply.Error = v.Err.Proto()
		return nil
	}
	reply.Ok, reply.Result = true, v.Result
	return nil
}

// endOfStream is the stream's status once Recv fails: OK when the client
// closed its side, the receive error otherwise (RESOURCE_EXHAUSTED for an
// event over the size limit, CANCELLED when the client went away).
func endOfStream(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
