package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/wire"
	"github.com/schemagate/schemagate/internal/status"
)

type sendFlags struct {
	clientFlags
	typ, data, id, file string
	version, retries    int
	timeout             time.Duration
	bare                bool
}

func (f *sendFlags) declare(fl *pflag.FlagSet) {
	f.clientFlags.declare(fl, "ws://127.0.0.1:8080/ws", "the gateway's WebSocket URL, or its http:// base URL")
	fl.StringVarP(&f.typ, "type", "t", "", "event type")
	fl.IntVarP(&f.version, "version", "v", 1, "schema version")
	fl.StringVarP(&f.data, "data", "d", "", "event data (JSON); with --bare, the frame as is")
	fl.StringVar(&f.id, "id", "", "envelope id (default: generated)")
	fl.StringVarP(&f.file, "file", "f", "", `NDJSON file of envelopes, "-" for stdin`)
	fl.BoolVar(&f.bare, "bare", false, "send --data as the frame itself (bare routes, tutorial servers)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up when no reply arrives for this long")
	fl.IntVar(&f.retries, "retries", 2, "resend an event refused with UNAVAILABLE this many times, backing off (-1: never)")
}

func newSendCmd(s streams) *cobra.Command {
	return withFlags(&cobra.Command{
		Use:   "send",
		Short: "Send events over WebSocket or HTTP and print each reply",
		Long: `Send one envelope built from flags, or many from an NDJSON file or stdin
(one envelope per line; an envelope without an id gets one), pipelined on
one connection, and print every reply as it arrives. An http:// URL posts
each event to the HTTP API instead. An event refused with UNAVAILABLE is
sent again (--retries). Exit code 1 if any event was refused.

  schemagate send --type person --version 1 --data '{"name":"John","age":30,"city":"New York"}'
  schemagate send --file events.ndjson
  schemagate send --url ws://localhost:8000/ --bare --data 'Hello, server!'`,
		Args: cobra.NoArgs,
	}, (*sendFlags).declare, func(cmd *cobra.Command, _ []string, f sendFlags) error {
		return runSend(cmd.Context(), f, s)
	})
}

// runSend is the send command: it connects with the Go client, sends every
// frame of the source pipelined, prints each reply as it arrives, and fails
// with exit code 1 when any event was refused.
func runSend(ctx context.Context, f sendFlags, s streams) error {
	frames, closeSource, err := sendSource(f, s.in)
	if err != nil {
		return usageError(err)
	}
	defer closeSource()
	h := http.Header{}
	if f.origin != "" {
		h.Set("Origin", f.origin)
	}
	retries := f.retries
	if retries == 0 {
		retries = -1 // the client reads 0 as its default
	}
	c, err := client.New(f.url, client.Options{Token: f.token, Header: h, Timeout: f.timeout,
		Retries: retries, Bare: f.bare})
	if err != nil {
		return usageError(err)
	}
	defer c.Close()
	refused, err := sendAll(ctx, c, frames, s.out)
	if err != nil {
		return err
	}
	if refused > 0 {
		return reportedError{code: 1}
	}
	return nil
}

// sendWindow bounds the frames in flight on the one connection.
const sendWindow = 64

// sendAll sends every frame, pipelined, and prints each reply as it
// arrives. It counts refusals; a lost connection (after the client's
// retries) ends the run.
func sendAll(ctx context.Context, c *client.Client, next frameSource, out io.Writer) (int, error) {
	var (
		mu       sync.Mutex
		refused  int
		sent     int
		answered int
		fatal    error
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, sendWindow)
	for {
		frame, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fatal = err
			break
		}
		slots <- struct{}{}
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop {
			break
		}
		sent++
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			r, err := c.SendFrame(ctx, frame)
			mu.Lock()
			defer mu.Unlock()
			var we *wire.Error
			switch {
			case r != nil:
				answered++
				if errors.As(err, &we) {
					refused++
				}
				fmt.Fprintf(out, "%s\n", r.Raw)
			case fatal == nil:
				fatal = err
			}
		}()
	}
	wg.Wait()
	if fatal != nil {
		return refused, status.Wrap(codes.Unavailable, fatal, fmt.Sprintf("%s: %d of %d replies", fatal, answered, sent))
	}
	return refused, nil
}

// frameSource yields frames one at a time so that a large file is never
// held in memory.
type frameSource func() ([]byte, error)

// sendSource is where send's frames come from: the one envelope (or bare
// frame) the flags build, or the lines of --file (stdin for "-"). The
// close function releases the file; it is a no-op otherwise.
func sendSource(f sendFlags, stdin io.Reader) (frameSource, func() error, error) {
	noClose := func() error { return nil }
	if f.file == "" {
		frame, err := singleFrame(f)
		if err != nil {
			return nil, noClose, err
		}
		done := false
		return func() ([]byte, error) {
			if done {
				return nil, io.EOF
			}
			done = true
			return frame, nil
		}, noClose, nil
	}
	r, closeFile := stdin, noClose
	if f.file != "-" {
		file, err := os.Open(f.file)
		if err != nil {
			return nil, noClose, err
		}
		r, closeFile = file, file.Close
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
	}, closeFile, nil
}

// singleFrame is the frame the flags describe: --data as is with --bare,
// else an envelope of --type, --version, --data and --id (generated when
// empty).
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
