package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// manyEvents is an NDJSON batch whose records cost very different amounts
// to check (orders with 1 to 60 items, small people, malformed lines), so
// that workers finish out of order.
func manyEvents(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch i % 5 {
		case 0, 3:
			var items []string
			for j := range 1 + i%60 {
				items = append(items, fmt.Sprintf(`{"sku":"ABC-%04d","qty":%d,"price":1.5}`, j, 1+j%3))
			}
			fmt.Fprintf(&b, `{"id":"o-%d","type":"order.placed","version":1,"data":{"order_id":"0ec6eb6b-4cef-47fa-b767-6965a46929f7","placed_at":"2026-07-04T04:21:14Z","customer":{"id":1,"email":"a@example.com","shipping":{"street":"s","city":"c","country":"KR"}},"currency":"EUR","items":[%s],"total":%d}}`+"\n",
				i, strings.Join(items, ","), i%7-1)
		case 1:
			fmt.Fprintf(&b, `{"id":"p-%d","type":"person","version":1,"data":{"name":"n","age":%d,"city":"c"}}`+"\n", i, i%200)
		case 2:
			fmt.Fprintf(&b, `{"id":"m-%d","type":"person","version":1,"data":`+"\n", i)
		case 4:
			fmt.Fprintf(&b, `{"id":"u-%d","type":"person","version":%d,"data":{}}`+"\n", i, 1+i%3)
		}
	}
	return b.Bytes()
}

func runText(t *testing.T, o Options) (string, Summary) {
	t.Helper()
	var out bytes.Buffer
	sum, err := Run(context.Background(), o, &out)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), sum
}

// TestOrderIsStable: however many workers, the report is the same bytes as
// with one, which checks the reorder buffer under real contention.
func TestOrderIsStable(t *testing.T) {
	p := writeInput(t, "many.ndjson", manyEvents(1000))
	o := Options{Registry: fixtureRegistry(t), Inputs: []string{p}, Format: FormatJSON, now: pinnedClock()}
	o.Workers = 1
	want, _ := runText(t, o)
	for _, w := range []int{2, 3, 8} {
		o.Workers = w
		if got, _ := runText(t, o); got != want {
			t.Fatalf("with %d workers the report differs from the one with 1", w)
		}
	}
}

// TestMaxErrors stops at exactly the Nth failing event whatever the
// workers had already checked beyond it, so the report is deterministic.
func TestMaxErrors(t *testing.T) {
	p := writeInput(t, "many.ndjson", manyEvents(1000))
	o := Options{Registry: fixtureRegistry(t), Inputs: []string{p}, MaxErrors: 7, now: pinnedClock()}
	o.Workers = 1
	want, sum := runText(t, o)
	if !sum.Stopped || sum.Failed() != 7 || sum.ExitCode() != 1 {
		t.Fatalf("summary %+v, want stopped at 7 failures", sum)
	}
	o.Workers = 8
	if got, _ := runText(t, o); got != want {
		t.Fatalf("stopping differs with 8 workers:\n%s\nwant:\n%s", got, want)
	}
	o.MaxErrors, o.FailFast = 0, true
	if _, sum := runText(t, o); sum.Failed() != 1 || !sum.Stopped {
		t.Fatalf("fail fast: %+v", sum)
	}
}

// blockingReader yields its data and then blocks until closed, like a
// pipe whose writer has gone quiet.
type blockingReader struct {
	data    io.Reader
	release chan struct{}
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if n, err := r.data.Read(p); err != io.EOF {
		return n, err
	}
	<-r.release
	return 0, io.EOF
}

// TestCancel returns promptly when the context ends, even while the input
// blocks, and still leaves a well-formed document with what was read.
func TestCancel(t *testing.T) {
	in := &blockingReader{data: bytes.NewReader(manyEvents(20)), release: make(chan struct{})}
	defer close(in.release)
	ctx, cancel := context.WithCancel(context.Background())
	o := Options{Registry: fixtureRegistry(t), Inputs: []string{"-"}, Stdin: in, Format: FormatJUnit, now: pinnedClock()}
	var out bytes.Buffer
	done := make(chan struct{})
	var sum Summary
	var err error
	go func() {
		defer close(done)
		sum, err = Run(ctx, o, &out)
	}()
	time.Sleep(200 * time.Millisecond) // let it read the 20 lines and block
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel while its input blocked")
	}
	var se *status.Error
	if !errors.As(err, &se) || se.Code != codes.Canceled || !sum.Interrupted {
		t.Fatalf("err = %v, interrupted = %v; want CANCELLED and interrupted", err, sum.Interrupted)
	}
	if !strings.HasSuffix(out.String(), "</testsuites>\n") {
		t.Fatalf("the report is not closed:\n%s", out.String())
	}
}
