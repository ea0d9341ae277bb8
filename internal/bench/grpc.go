package bench

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// gRPC mode drives schemagate.v1.EventService/PublishStream, the
// WebSocket's twin: one stream on its own connection per conn, the same
// window of InFlight unanswered events, the same workload, ids, phases and
// checks. Each workload frame becomes an Event of its fields (data byte
// for byte); a reply's error becomes the code and details the contract's
// reply would carry.

// isGRPC says whether the URL names a gRPC server (grpc://host:port).
func isGRPC(raw string) bool { return strings.HasPrefix(raw, "grpc://") }

// grpcLink is a conn's stream.
type grpcLink struct {
	cc     *grpc.ClientConn
	stream grpc.BidiStreamingClient[schemagatev1.Event, schemagatev1.Reply]
	cancel context.CancelFunc
}

// dialGRPC opens one connection and stream per conn, sequentially: the
// counts are small next to the WebSocket idle runs.
func dialGRPC(ctx context.Context, sh *shared) ([]*conn, error) {
	u, err := url.Parse(sh.o.URL)
	if err != nil {
		return nil, err
	}
	md := metadata.MD{}
	if a := sh.o.Header.Get("Authorization"); a != "" {
		md.Set("authorization", a)
	}
	conns := make([]*conn, 0, sh.o.Conns)
	closeAll := func() {
		for _, c := range conns {
			c.g.cancel()
			c.g.cc.Close()
		}
	}
	for i := range sh.o.Conns {
		cc, err := grpc.NewClient("passthrough:///"+u.Host, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxReply), grpc.ForceCodecV2(wireCodec{})))
		if err != nil {
			closeAll()
			return nil, err
		}
		// The stream lives until the conn finishes; the run's ctx ending
		// aborts it through the schedule, as for WebSockets.
		sctx, cancel := context.WithCancel(metadata.NewOutgoingContext(context.Background(), md))
		dctx, dcancel := context.WithTimeout(ctx, sh.o.HandshakeTimeout)
		stream, err := openStream(dctx, sctx, cc)
		dcancel()
		if err != nil {
			cancel()
			cc.Close()
			closeAll()
			return nil, err
		}
		c := newConn(sh, i, dialed{})
		c.g = &grpcLink{cc: cc, stream: stream, cancel: cancel}
		conns = append(conns, c)
	}
	return conns, nil
}

// openStream opens PublishStream on cc once the connection is up, within
// dctx.
func openStream(dctx, sctx context.Context, cc *grpc.ClientConn) (grpc.BidiStreamingClient[schemagatev1.Event, schemagatev1.Reply], error) {
	cc.Connect()
	for s := cc.GetState(); s.String() != "READY"; s = cc.GetState() {
		if !cc.WaitForStateChange(dctx, s) {
			return nil, errors.New("bench: grpc dial: " + dctx.Err().Error())
		}
	}
	return schemagatev1.NewEventServiceClient(cc).PublishStream(sctx)
}

// writeGRPC sends events while the window has room, until the run stops
// sending or the stream fails. grpc-go coalesces the writes itself.
func (c *conn) writeGRPC() {
	var ev schemagatev1.Event // reused: Send has encoded it when it returns
	id := make([]byte, 0, 32)
	for {
		var s int
		select {
		case s = <-c.free:
		case <-c.run.stop:
			return
		case <-c.dead:
			return
		}
		measured, ok := c.run.admit()
		if !ok {
			c.free <- s
			return
		}
		li, seq := c.publish(s, measured)
		l := &c.run.wl.lines[li]
		id = strconv.AppendUint(append(id[:0], c.prefix...), seq, 10)
		ev.Id, ev.Type, ev.Version, ev.Data = string(id), l.typ, l.version, l.data
		if err := c.g.stream.Send(&ev); err != nil {
			c.wErr = err
			return
		}
	}
}

// finishGRPC waits (bounded) for the window to empty, then ends the stream.
func (c *conn) finishGRPC() {
	c.drain()
	c.closing.Store(true)
	_ = c.g.stream.CloseSend()
	select {
	case <-c.dead:
	case <-time.After(closeGrace):
	}
	c.g.cancel()
	c.g.cc.Close()
}

// readGRPC scores replies until the stream ends.
func (c *conn) readGRPC() {
	defer close(c.dead)
	var rep wireReply // reused: match is done with it when it returns
	msg := rep.json
	for {
		if err := c.g.stream.RecvMsg(&rep); err != nil {
			if !c.closing.Load() || !errors.Is(err, io.EOF) && status.Code(err) != codes.Canceled {
				c.rErr = err
			}
			return
		}
		c.match(rep.reply, msg)
	}
}
