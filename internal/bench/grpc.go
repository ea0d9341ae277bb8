package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/wsio"
)

// gRPC mode drives schemagate.v1.EventService/PublishStream, the
// WebSocket's twin: one stream on its own connection per conn, the same
// window of InFlight unanswered events, the same workload, ids, phases and
// checks. Each workload frame becomes an Event of its fields (data byte
// for byte); a reply's error becomes the code and details the contract's
// reply would carry.
//
// The stream is spoken in HTTP/2 frames by hand, as the WebSocket side
// writes its own frames: grpc-go's client spends two goroutine hand-offs
// and a write syscall per event, CPU taken from the server under test on
// a shared box. Here the writer sends a burst of events with one write
// (the WebSocket writer's BatchConn and acquire), the reader scans replies
// where they lie, and both honour HTTP/2 flow control. Reads, like the
// WebSocket side's, do not wake the runtime's monitor (dial).

// isGRPC says whether the URL names a gRPC server (grpc://host:port).
func isGRPC(raw string) bool { return strings.HasPrefix(raw, "grpc://") }

// The stream's id, and the receive window announced for it and the
// connection; consumed bytes are given back once recvRefill accumulate.
const (
	streamID    = 1
	recvWindow  = 1 << 24
	recvRefill  = 1 << 22
	readBufSize = 64 << 10
)

// grpcLink is a conn's HTTP/2 connection and its one stream.
type grpcLink struct {
	nc  net.Conn
	wmu sync.Mutex // the framer's writes: the writer's data, the reader's acks
	fr  *http2.Framer
	// The peer's windows for what we send, and its largest frame.
	flow     sync.Mutex
	conn     int64
	stream   int64
	initial  int64
	maxFrame int
	more     chan struct{} // a window grew
	msg      []byte        // the writer's next message, reused
	consumed int           // the reader's bytes not yet given back
	// The reader's state between frames: a message's start, when a DATA
	// frame ended in it, and the reply being scanned.
	pending []byte
	rep     wireReply
}

// dialGRPC opens one connection and stream per conn, sequentially: the
// counts are small next to the WebSocket idle runs.
func dialGRPC(ctx context.Context, sh *shared) ([]*conn, error) {
	u, err := url.Parse(sh.o.URL)
	if err != nil {
		return nil, err
	}
	conns := make([]*conn, 0, sh.o.Conns)
	for i := range sh.o.Conns {
		g, bc, err := openStream(ctx, sh.o, u.Host)
		if err != nil {
			for _, c := range conns {
				c.g.nc.Close()
			}
			return nil, fmt.Errorf("bench: grpc dial %s: %w", u.Host, err)
		}
		c := newConn(sh, i, dialed{bc: bc})
		c.g = g
		conns = append(conns, c)
	}
	return conns, nil
}

// openStream connects, sends the preface and settings, and opens the
// stream with its request headers.
func openStream(ctx context.Context, o Options, host string) (*grpcLink, *wsio.BatchConn, error) {
	ctx, cancel := context.WithTimeout(ctx, o.HandshakeTimeout)
	defer cancel()
	nc, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, err
	}
	bc := wsio.NewBatchConn(nc, 64<<10, nil)
	g := &grpcLink{nc: nc, conn: 65535, stream: 65535, initial: 65535, maxFrame: 16384, more: make(chan struct{}, 1)}
	g.fr = http2.NewFramer(bc, bufio.NewReaderSize(bc.WithRawReads(), readBufSize))
	g.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	g.fr.SetReuseFrames() // a frame is done with before the next is read
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":path", schemagatev1.EventService_PublishStream_FullMethodName},
		{":authority", host}, {"content-type", "application/grpc"}, {"te", "trailers"}} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if a := o.Header.Get("Authorization"); a != "" {
		_ = enc.WriteField(hpack.HeaderField{Name: "authorization", Value: a, Sensitive: true})
	}
	_ = nc.SetWriteDeadline(time.Now().Add(o.HandshakeTimeout))
	_, err = io.WriteString(bc, http2.ClientPreface)
	if err == nil {
		err = g.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: recvWindow})
	}
	if err == nil {
		err = g.fr.WriteWindowUpdate(0, recvWindow-65535)
	}
	if err == nil {
		err = g.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: streamID, BlockFragment: hb.Bytes(), EndHeaders: true})
	}
	_ = nc.SetWriteDeadline(time.Time{})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return g, bc, nil
}

// writeGRPC sends events while the window has room, until the run stops
// sending or the stream fails: a burst goes out with one write, as
// writeLoop's.
func (c *conn) writeGRPC() {
	err := c.sendEach(c.sendSlotEvent)
	if err != nil && !errors.Is(err, errReaderGone) { // the reader's error says why
		c.wErr = err
	}
}

// sendSlotEvent publishes slot s as outstanding and sends its event.
func (c *conn) sendSlotEvent(s int, measured bool) error {
	li, seq := c.publish(s, measured)
	c.out = strconv.AppendUint(append(c.out[:0], c.prefix...), seq, 10)
	return c.sendEvent(c.out, c.run.wl.lines[li].event)
}

// sendEvent writes one length-prefixed Event in DATA frames within the
// peer's windows, flushing the burst and waiting when they are shut.
func (c *conn) sendEvent(id, tail []byte) error {
	g := c.g
	g.msg = appendEvent(append(g.msg[:0], 0, 0, 0, 0, 0), id, tail)
	n := len(g.msg) - 5
	g.msg[1], g.msg[2], g.msg[3], g.msg[4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	for rest := g.msg; len(rest) > 0; {
		k, err := c.reserve(len(rest))
		if err != nil {
			return err
		}
		g.wmu.Lock()
		err = g.fr.WriteData(streamID, false, rest[:k])
		g.wmu.Unlock()
		if err != nil {
			return err
		}
		rest = rest[k:]
	}
	return nil
}

// reserve takes up to want bytes (at most a frame) of both windows,
// flushing what is buffered and waiting while either is shut.
func (c *conn) reserve(want int) (int, error) {
	g := c.g
	for {
		g.flow.Lock()
		k := int64(min(want, g.maxFrame))
		k = min(k, g.conn, g.stream)
		if k > 0 {
			g.conn -= k
			g.stream -= k
		}
		g.flow.Unlock()
		if k > 0 {
			return int(k), nil
		}
		if err := c.bc.Release(); err != nil {
			return 0, err
		}
		if c.free == nil { // in lockstep, what this goroutine reads opens the window
			if err := c.readFrame(); err != nil {
				return 0, err
			}
			continue
		}
		select {
		case <-g.more:
		case <-c.dead:
			return 0, errReaderGone
		case <-c.run.abort:
			return 0, errors.New("bench: aborted while waiting for the flow-control window")
		}
		c.bc.Hold()
	}
}

// errReaderGone stops a writer waiting for a window that will not open.
var errReaderGone = errors.New("bench: the stream has ended")

// finishGRPC waits (bounded) for the window to empty, then ends the stream
// and waits (bounded) for the server's trailers.
func (c *conn) finishGRPC() {
	if err := c.bc.Release(); err != nil && c.wErr == nil {
		c.wErr = err
	}
	c.drain()
	c.closing.Store(true)
	c.endStream()
	select {
	case <-c.dead:
	case <-time.After(closeGrace):
	}
	c.g.nc.Close()
}

// endStream ends the client's side of the stream, within closeGrace.
func (c *conn) endStream() {
	_ = c.g.nc.SetWriteDeadline(time.Now().Add(closeGrace))
	c.g.wmu.Lock()
	_ = c.g.fr.WriteData(streamID, true, nil)
	c.g.wmu.Unlock()
}

// readGRPC scores replies until the stream ends.
func (c *conn) readGRPC() {
	defer close(c.dead)
	for {
		if err := c.readFrame(); err != nil {
			c.streamEnded(err)
			return
		}
	}
}

// streamEnded records err, which ended the reading of the stream, as the
// reader's failure unless it is how a stream ends once the writer closes
// it, or a read deadline (only a lockstep drain sets one) passing.
func (c *conn) streamEnded(err error) {
	if errors.Is(err, errStreamDone) || isTimeout(err) {
		return
	}
	if !c.closing.Load() || !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		c.rErr = err
	}
}

// errStreamDone is the server's OK once the client has ended its side.
var errStreamDone = errors.New("bench: stream done")

// readFrame reads and handles one frame; an error ends the stream.
func (c *conn) readFrame() error {
	g := c.g
	f, err := g.fr.ReadFrame()
	if err != nil {
		return err
	}
	switch f := f.(type) {
	case *http2.DataFrame:
		data := f.Data()
		if len(g.pending) > 0 {
			data = append(g.pending, data...)
		}
		var rest []byte
		if rest, err = c.replies(data, &g.rep, g.rep.json); err == nil {
			g.pending = append(g.pending[:0], rest...) // memmove: rest may lie in pending
			err = g.giveBack(int(f.Length))
		}
		if err == nil && f.StreamEnded() {
			err = errors.New("bench: stream ended without trailers")
		}
	case *http2.MetaHeadersFrame:
		err = c.headers(f)
	case *http2.SettingsFrame:
		err = g.settings(f)
	case *http2.WindowUpdateFrame:
		g.grow(f.StreamID, int64(f.Increment))
	case *http2.PingFrame:
		if !f.IsAck() {
			g.wmu.Lock()
			err = g.fr.WritePing(true, f.Data)
			g.wmu.Unlock()
		}
	case *http2.RSTStreamFrame:
		err = fmt.Errorf("bench: stream reset: %v", f.ErrCode)
	case *http2.GoAwayFrame:
		if f.LastStreamID < streamID || f.ErrCode != http2.ErrCodeNo {
			err = fmt.Errorf("bench: GOAWAY %v %q", f.ErrCode, f.DebugData())
		}
	}
	return err
}

// replies scores each whole message in b and returns the rest of b, the
// start of a message whose end is still to come.
func (c *conn) replies(b []byte, rep *wireReply, msg func() []byte) ([]byte, error) {
	for len(b) >= 5 {
		n := int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4])
		if b[0] != 0 || n > maxReply {
			return nil, errors.New("bench: a compressed or oversized reply")
		}
		if len(b) < 5+n {
			break
		}
		rep.raw = b[5 : 5+n]
		if err := rep.scan(); err != nil {
			return nil, err
		}
		c.match(rep.reply, msg)
		b = b[5+n:]
	}
	return b, nil
}

// headers reads the response headers, and the trailers' grpc-status.
func (c *conn) headers(f *http2.MetaHeadersFrame) error {
	st := f.PseudoValue("status")
	if st != "" && st != "200" {
		return fmt.Errorf("bench: HTTP status %s", st)
	}
	// grpc-status is in the trailers, or in a trailers-only answer.
	for _, h := range f.Fields {
		if h.Name != "grpc-status" {
			continue
		}
		n, err := strconv.Atoi(h.Value)
		if err != nil {
			return fmt.Errorf("bench: grpc-status %q", h.Value)
		}
		if n != 0 {
			return status.Error(codes.Code(n), decodeMessage(f.Fields))
		}
		if !c.closing.Load() {
			return io.ErrUnexpectedEOF
		}
		return errStreamDone
	}
	if f.StreamEnded() {
		return errors.New("bench: stream ended without grpc-status")
	}
	return nil
}

// decodeMessage is grpc-message, percent-decoded.
func decodeMessage(fields []hpack.HeaderField) string {
	for _, h := range fields {
		if h.Name == "grpc-message" {
			if m, err := url.PathUnescape(h.Value); err == nil {
				return m
			}
			return h.Value
		}
	}
	return ""
}

// settings applies the peer's settings that bear on sending, and acks them.
func (g *grpcLink) settings(f *http2.SettingsFrame) error {
	if f.IsAck() {
		return nil
	}
	g.flow.Lock()
	if v, ok := f.Value(http2.SettingInitialWindowSize); ok {
		g.stream += int64(v) - g.initial
		g.initial = int64(v)
	}
	if v, ok := f.Value(http2.SettingMaxFrameSize); ok {
		g.maxFrame = int(v)
	}
	g.flow.Unlock()
	g.signal()
	g.wmu.Lock()
	defer g.wmu.Unlock()
	return g.fr.WriteSettingsAck()
}

// grow widens a send window and wakes a waiting writer.
func (g *grpcLink) grow(stream uint32, n int64) {
	g.flow.Lock()
	if stream == 0 {
		g.conn += n
	} else {
		g.stream += n
	}
	g.flow.Unlock()
	g.signal()
}

func (g *grpcLink) signal() {
	select {
	case g.more <- struct{}{}:
	default:
	}
}

// giveBack returns received bytes to the server's windows once enough
// have accumulated.
func (g *grpcLink) giveBack(n int) error {
	if g.consumed += n; g.consumed < recvRefill {
		return nil
	}
	inc := uint32(g.consumed)
	g.consumed = 0
	g.wmu.Lock()
	defer g.wmu.Unlock()
	if err := g.fr.WriteWindowUpdate(0, inc); err != nil {
		return err
	}
	return g.fr.WriteWindowUpdate(streamID, inc)
}
