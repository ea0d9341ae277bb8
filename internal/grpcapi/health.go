package grpcapi

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	grpcstatus "google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// watchPoll is how often Watch asks Ready again; a drain is seen at once.
const watchPoll = time.Second

// health is grpc.health.v1.Health following /readyz: SERVING unless the
// server drains or Ready reports a problem (a nats action that cannot
// publish), for the whole server ("") and for EventService.
type health struct {
	healthpb.UnimplementedHealthServer
	ready func() error
	drain <-chan struct{}
}

func newHealth(ready func() error, drain <-chan struct{}) *health {
	return &health{ready: ready, drain: drain}
}

func known(service string) bool {
	return service == "" || service == schemagatev1.EventService_ServiceDesc.ServiceName
}

func (h *health) status() healthpb.HealthCheckResponse_ServingStatus {
	select {
	case <-h.drain:
		return healthpb.HealthCheckResponse_NOT_SERVING
	default:
	}
	if h.ready != nil && h.ready() != nil {
		return healthpb.HealthCheckResponse_NOT_SERVING
	}
	return healthpb.HealthCheckResponse_SERVING
}

// Check answers with the status now, NOT_FOUND for a service it does not
// know (as the health protocol asks).
func (h *health) Check(_ context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if !known(req.GetService()) {
		return nil, grpcstatus.Error(codes.NotFound, "unknown service")
	}
	return &healthpb.HealthCheckResponse{Status: h.status()}, nil
}

// Watch sends the status now and then each change, until the client
// leaves; an unknown service is SERVICE_UNKNOWN. A drain is sent as
// NOT_SERVING and ends the watch (UNAVAILABLE), so that watchers do not
// hold the drain up.
func (h *health) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	var last healthpb.HealthCheckResponse_ServingStatus = -1
	tick := time.NewTicker(watchPoll)
	defer tick.Stop()
	for {
		st := healthpb.HealthCheckResponse_SERVICE_UNKNOWN
		if known(req.GetService()) {
			st = h.status()
		}
		if st != last {
			if err := stream.Send(&healthpb.HealthCheckResponse{Status: st}); err != nil {
				return err
			}
			last = st
		}
		select {
		case <-stream.Context().Done():
			return stream.Context().Err()
		case <-h.drain:
			if st != healthpb.HealthCheckResponse_SERVICE_UNKNOWN && st != healthpb.HealthCheckResponse_NOT_SERVING {
				continue // send NOT_SERVING first
			}
			return errDraining()
		case <-tick.C:
		}
	}
}
