package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

type sendFlags struct {
	url, typ, data, id, file, token, origin string
	version                                 int
	timeout                                 time.Duration
	bare                                    bool
}

func newSendCmd(s streams) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Send events over WebSocket and print each reply",
		Long: `Send one envelope built from flags, or many from an NDJSON file or stdin
(one envelope per line; an envelope without an id gets one), and print every
reply as it arrives. Exit code 1 if any event was refused.

  schemagate send --type person --version 1 --data '{"name":"John","age":30,"city":"New York"}'
  schemagate send --file events.ndjson
  schemagate send --url ws://localhost:8000/ --bare --data 'Hello, server!'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSend(cmd.Context(), f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "ws://127.0.0.1:8080/ws", "WebSocket URL of the gateway")
	fl.StringVarP(&f.typ, "type", "t", "", "event type")
	fl.IntVarP(&f.version, "version", "v", 1, "schema version")
	fl.StringVarP(&f.data, "data", "d", "", "event data (JSON); with --bare, the frame as is")
	fl.StringVar(&f.id, "id", "", "envelope id (default: generated)")
	fl.StringVarP(&f.file, "file", "f", "", `NDJSON file of envelopes, "-" for stdin`)
	fl.BoolVar(&f.bare, "bare", false, "send --data as the frame itself (bare routes, tutorial servers)")
	fl.StringVar(&f.token, "token", os.Getenv("SCHEMAGATE_TOKEN"), "bearer token (default $SCHEMAGATE_TOKEN)")
	fl.StringVar(&f.origin, "origin", "", "Origin header to send")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up when no reply arrives for this long")
	return cmd
}

func runSend(ctx context.Context, f sendFlags, s streams) error {
	frames, err := sendSource(f, s.in)
	if err != nil {
		return usageError(err)
	}
	h := http.Header{}
	if f.token != "" {
		h.Set("Authorization", "Bearer "+f.token)
	}
	if f.origin != "" {
		h.Set("Origin", f.origin)
	}
	d := websocket.Dialer{HandshakeTimeout: f.timeout, Subprotocols: nil}
	conn, resp, err := d.DialContext(ctx, f.url, h)
	if err != nil {
		return dialError(f.url, resp, err)
	}
	defer conn.Close()
	var sent atomic.Int64
	done := make(chan error, 1)
	go func() { done <- sendAll(conn, frames, &sent) }()
	refused, err := readReplies(conn, &sent, done, f.timeout, s.out)
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	if err != nil {
		return err
	}
	if refused > 0 {
		return reportedError{code: 1}
	}
	return nil
}

// frameSource yields frames one at a time so that a large file is never
// held in memory.
type frameSource func() ([]byte, error)

func sendSource(f sendFlags, stdin io.Reader) (frameSource, error) {
	if f.file == "" {
		frame, err := singleFrame(f)
		if err != nil {
			return nil, err
		}
		done := false
		return func() ([]byte, error) {
			if done {
				return nil, io.EOF
			}
			done = true
			return frame, nil
		}, nil
	}
	r := stdin
	if f.file != "-" {
		file, err := os.Open(f.file)
		if err != nil {
			return nil, err
		}
		r = file
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	n := 0
	return func() ([]byte, error) {
		for sc.Scan() {
			n++
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				return withID(line, "line-"+strconv.Itoa(n)), nil
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}, nil
}

func singleFrame(f sendFlags) ([]byte, error) {
	if f.bare {
		return []byte(f.data), nil
	}
	if f.typ == "" || f.data == "" {
		return nil, fmt.Errorf("give --type and --data, --file, or --bare --data")
	}
	if !json.Valid([]byte(f.data)) {
		return nil, fmt.Errorf("--data is not valid JSON")
	}
	id := f.id
	if id == "" {
		id = fmt.Sprintf("send-%d", time.Now().UnixNano())
	}
	env := struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Version int             `json:"version"`
		Data    json.RawMessage `json:"data"`
	}{id, f.typ, f.version, json.RawMessage(f.data)}
	return json.Marshal(env)
}

// withID adds an id to an envelope line that has none, leaving every other
// line (including malformed ones, which the server should judge) as is.
func withID(line []byte, id string) []byte {
	var probe map[string]json.RawMessage
	if json.Unmarshal(line, &probe) != nil {
		return append([]byte(nil), line...)
	}
	if _, ok := probe["id"]; ok {
		return append([]byte(nil), line...)
	}
	out := append([]byte(`{"id":`), strconv.Quote(id)...)
	if rest := bytes.TrimSpace(line[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, line[1:]...)
}

func sendAll(conn *websocket.Conn, next frameSource, sent *atomic.Int64) error {
	for {
		frame, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := conn.WriteMessage(websocket.TextMessage, frame); err != nil {
			return err
		}
		sent.Add(1)
	}
}

// readReplies prints replies until every frame sent has one. It counts
// replies whose "ok" is false; raw echoes that are not JSON count as ok.
func readReplies(conn *websocket.Conn, sent *atomic.Int64, done <-chan error, timeout time.Duration, out io.Writer) (int, error) {
	var got, refused int64
	sending := true
	for sending || got < sent.Load() {
		if sending && got >= sent.Load() {
			// Nothing is owed yet: wait for the sender to send more or
			// finish, rather than for a reply that may never come.
			select {
			case err := <-done:
				if err != nil {
					return int(refused), fmt.Errorf("send: %w", err)
				}
				sending = false
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		_ = conn.SetReadDeadline(time.Now().Add(timeout))
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return int(refused), status.Wrap(codes.Unavailable, err, fmt.Sprintf("connection ended after %d of %d replies: %v", got, sent.Load(), err))
		}
		got++
		var r struct {
			OK *bool `json:"ok"`
		}
		if json.Unmarshal(msg, &r) == nil && r.OK != nil && !*r.OK {
			refused++
		}
		fmt.Fprintf(out, "%s\n", msg)
	}
	return int(refused), nil
}

func dialError(url string, resp *http.Response, err error) error {
	if resp != nil {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return status.Wrap(codes.Unavailable, err, fmt.Sprintf("dial %s: %s %s", url, resp.Status, bytes.TrimSpace(body)))
	}
	return status.Wrap(codes.Unavailable, err, fmt.Sprintf("dial %s: %v", url, err))
}
