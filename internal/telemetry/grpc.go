package telemetry

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// grpcMetrics count the gRPC door's RPCs; its events are counted with the
// other doors' frames, under transport="grpc".
type grpcMetrics struct {
	rpcs     *prometheus.CounterVec
	seconds  *prometheus.HistogramVec
	rejected reasons
}

// grpcRejectReasons are why the gRPC door refuses a connection, a call or
// a stream's event, in the other doors' words for the same causes:
// RejectUnauthenticated (no valid token), RejectUnavailable (the
// connection limit, or a drain), CloseRate (over the rate limit) and
// CloseTooBig (a message over websocket.read_limit).
func grpcRejectReasons() []string {
	return []string{RejectUnauthenticated, RejectUnavailable, CloseRate, CloseTooBig, ReasonOther}
}

// rpcBuckets reach past latencyBuckets: a PublishStream's observation is
// its whole life.
func rpcBuckets() []float64 { return append(latencyBuckets(), 2.5, 10, 60, 600) }

func newGRPCMetrics(reg prometheus.Registerer) grpcMetrics {
	g := grpcMetrics{
		rpcs: newCounterVec(reg, "schemagate_grpc_rpcs_total",
			"gRPC calls finished, by full method name and status code.",
			"method", "code"),
		seconds: newHistogramVec(reg, "schemagate_grpc_rpc_seconds",
			"Duration of gRPC calls by full method name (a stream's whole life).",
			rpcBuckets(), "method"),
		rejected: newReasons(reg, "schemagate_grpc_rejected_total",
			"gRPC connections, calls and stream events refused, by reason.", grpcRejectReasons()),
	}
	return g
}

// RPC records one finished gRPC call. The method is grpc-go's full method
// name of a registered service (an unknown method never reaches the
// server's interceptors), so it is safe as a label.
func (m *Metrics) RPC(method string, code codes.Code, elapsed time.Duration) {
	m.grpc.rpcs.WithLabelValues(method, status.CodeName(code)).Inc()
	m.grpc.seconds.WithLabelValues(method).Observe(elapsed.Seconds())
}

// GRPCRejected counts a refusal by the gRPC door; reason is one of
// RejectUnauthenticated, RejectUnavailable, CloseRate or CloseTooBig.
func (m *Metrics) GRPCRejected(reason string) { m.grpc.rejected.inc(reason) }
