package grpcapi

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/schemagate/schemagate/internal/telemetry"
)

// refused counts a refusal: a connection, a call or a stream's event the
// door would not take, for reason (a telemetry reason: the other doors'
// label for the same cause).
func (s *Server) refused(reason string) {
	if s.o.Metrics != nil {
		s.o.Metrics.GRPCRejected(reason)
	}
}

// refusedDecode counts a message grpc-go would not decode because it is
// over MaxMessage; any other receive error (the client's end, a broken
// connection) is not a refusal.
func (s *Server) refusedDecode(err error) {
	if grpcstatus.Code(err) == codes.ResourceExhausted {
		s.refused(telemetry.CloseTooBig)
	}
}

// watchDecode is desc with each unary method's request decoding watched:
// grpc-go decodes a request before any interceptor runs, so a request over
// the size limit would otherwise be neither counted as refused nor
// observed as a call.
func (s *Server) watchDecode(desc grpc.ServiceDesc) *grpc.ServiceDesc {
	methods := make([]grpc.MethodDesc, len(desc.Methods))
	for i, m := range desc.Methods {
		handler, method := m.Handler, "/"+desc.ServiceName+"/"+m.MethodName
		m.Handler = func(srv any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
			start := time.Now()
			var decodeErr error
			resp, err := handler(srv, ctx, func(v any) error { decodeErr = dec(v); return decodeErr }, in)
			if decodeErr != nil {
				s.refusedDecode(decodeErr)
				s.observe(method, decodeErr, start)
			}
			return resp, err
		}
		methods[i] = m
	}
	desc.Methods = methods
	return &desc
}
