package bench

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// grpcServer is a PublishStream server for the gRPC door's tests, on
// grpc-go as the real one: it acks every event, except that it leaves the
// first drop events it sees unanswered, and ends each stream with
// UNAVAILABLE at its hangUp+1st event when hangUp > 0.
type grpcServer struct {
	schemagatev1.UnimplementedEventServiceServer
	drop   int64
	hangUp int
	seen   atomic.Int64
}

// start serves on a loopback port and returns its grpc:// URL.
func (s *grpcServer) start(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	schemagatev1.RegisterEventServiceServer(srv, s)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return "grpc://" + ln.Addr().String()
}

func (s *grpcServer) PublishStream(st grpc.BidiStreamingServer[schemagatev1.Event, schemagatev1.Reply]) error {
	for n := 1; ; n++ {
		ev, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if s.hangUp > 0 && n > s.hangUp {
			return status.Error(codes.Unavailable, "hanging up")
		}
		if s.seen.Add(1) <= s.drop {
			continue
		}
		if err := st.Send(&schemagatev1.Reply{Id: ev.Id, Ok: true}); err != nil {
			return err
		}
	}
}

// The gRPC door scores as the WebSocket door does, with a window and in
// lockstep at one frame in flight: replies never sent are lost when the
// drain gives up, without failing the stream; a stream the server ends
// fails its connection, and what was outstanding on it is lost.
func TestRunGRPCFaults(t *testing.T) {
	tests := []struct {
		name       string
		drop       int64
		hangUp     int
		conns      int
		want       counts // Sent 0: as many as were sent, the rest lost
		connErrors int
	}{
		{"clean", 0, 0, 4, counts{Sent: 400, Acked: 400}, 0},
		{"dropped replies are lost", 3, 0, 4, counts{Sent: 400, Acked: 397, Lost: 3}, 0},
		{"a stream the server ends fails", 0, 50, 2, counts{Acked: 100}, 2},
	}
	for _, window := range []int{8, 1} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/in-flight %d", tt.name, window), func(t *testing.T) {
				url := (&grpcServer{drop: tt.drop, hangUp: tt.hangUp}).start(t)
				r, err := Run(runCtx(t), Options{URL: url, Workload: "testdata/valid.ndjson",
					Conns: tt.conns, InFlight: window, Count: 400, DrainTimeout: 300 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				want := tt.want
				if want.Sent == 0 {
					want.Sent, want.Lost = r.Sent, r.Sent-want.Acked
				}
				if got := countsOf(r); got != want || r.Sent == 0 {
					t.Errorf("counts = %+v, want %+v", got, want)
				}
				if r.ConnErrors != tt.connErrors {
					t.Errorf("conn errors %d %q, want %d", r.ConnErrors, r.Errors, tt.connErrors)
				}
			})
		}
	}
}
