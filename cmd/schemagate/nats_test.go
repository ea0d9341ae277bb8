package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/natstest"
	"github.com/schemagate/schemagate/internal/testkit"
)

// natsGateway is the config of a gateway whose every accepted event goes
// to the stream EVENTS, with fan-out of person events.
func natsGateway(t *testing.T, natsURL string) string {
	return `
schemas: {dir: ` + repoSchemas(t) + `}
handlers: []
actions:
  stream: {kind: nats}
default_actions: [stream]
nats:
  servers: [` + natsURL + `]
  stream: EVENTS
  publish_timeout: 1s
  fanout: {types: [person]}
`
}

// wsClient is one contract client: it sends an envelope and reads the reply.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, url string) *wsClient {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", url, err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return &wsClient{t: t, c: c}
}

// send sends person id and returns the reply's error code (0: acked).
func (w *wsClient) send(id string) int {
	w.t.Helper()
	frame := fmt.Sprintf(`{"id":%q,"type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`, id)
	if err := w.c.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		w.t.Fatal(err)
	}
	_ = w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var reply struct {
		ID    string `json:"id"`
		OK    bool   `json:"ok"`
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	if err := w.c.ReadJSON(&reply); err != nil {
		w.t.Fatalf("reply to %s: %v", id, err)
	}
	if reply.ID != id || reply.OK != (reply.Error.Code == 0) {
		w.t.Fatalf("reply to %s: %+v", id, reply)
	}
	return reply.Error.Code
}

func readyz(t *testing.T, addr string) int {
	return getJSON(t, "http://"+addr+"/readyz", nil)
}

// TestTwoGatewaysOneStream: two gateways publish into one stream; a
// client's resend, to the same gateway or to the other one, is stored
// once; a consumer sees every event exactly once.
func TestTwoGatewaysOneStream(t *testing.T) {
	ns := natstest.Run(t, t.TempDir(), -1)
	addrA, _, _ := startServe(t, natsGateway(t, ns.ClientURL()))
	addrB, _, _ := startServe(t, natsGateway(t, ns.ClientURL()))
	a, b := dialWS(t, "ws://"+addrA+"/ws"), dialWS(t, "ws://"+addrB+"/ws")
	var want []string
	for i := range 25 {
		for name, c := range map[string]*wsClient{"a": a, "b": b} {
			id := fmt.Sprintf("%s-%d", name, i)
			want = append(want, id)
			if code := c.send(id); code != 0 {
				t.Fatalf("%s: code %d", id, code)
			}
		}
	}
	for i := range 5 { // lost acks: resent to the same gateway, and to the other
		for _, id := range []string{fmt.Sprintf("a-%d", i), fmt.Sprintf("b-%d", i)} {
			if a.send(id) != 0 || b.send(id) != 0 {
				t.Fatalf("resend of %s not acked", id)
			}
		}
	}
	got := testkit.StoredIDs(t, ns.ClientURL(), "EVENTS")
	sort.Strings(got)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stream holds %d events %v\nwant %d %v", len(got), got, len(want), want)
	}
}

// TestFanOutAcrossGateways: a subscriber on one gateway receives what a
// client sent to the other, in the documented frame; types beyond the
// allow-list are refused at the upgrade.
func TestFanOutAcrossGateways(t *testing.T) {
	ns := natstest.Run(t, t.TempDir(), -1)
	addrA, _, _ := startServe(t, natsGateway(t, ns.ClientURL()))
	addrB, _, _ := startServe(t, natsGateway(t, ns.ClientURL()))
	_, resp, err := websocket.DefaultDialer.Dial("ws://"+addrB+"/v1/subscribe?types=person,echo", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("echo is not in the allow-list: want 403, got %v %v", resp, err)
	}
	sub := dialWS(t, "ws://"+addrB+"/v1/subscribe?types=person")
	frames := make(chan string, 64)
	go func() {
		defer close(frames)
		for range 1000 {
			_, f, err := sub.c.ReadMessage()
			if err != nil {
				return
			}
			frames <- string(f)
		}
	}()
	sender := dialWS(t, "ws://"+addrA+"/ws")
	// The hub starts at new events once its consumer is up: send until
	// one arrives.
	var first string
	testkit.WaitFor(t, 10*time.Second, "the first fanned-out event", func() bool {
		id := fmt.Sprintf("warm-%d", time.Now().UnixNano())
		if sender.send(id) != 0 {
			t.Fatal("not acked")
		}
		select {
		case first = <-frames:
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	})
	if !strings.HasPrefix(first, `{"event":{"id":"warm-`) {
		t.Fatalf("frame %s", first)
	}
	for len(frames) > 0 { // warm-ups still on their way
		<-frames
	}
	time.Sleep(200 * time.Millisecond)
	for len(frames) > 0 {
		<-frames
	}
	sender.send("p-1")
	select {
	case f := <-frames:
		want := `{"event":{"id":"p-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}}`
		var g, w any
		_ = json.Unmarshal([]byte(f), &g)
		_ = json.Unmarshal([]byte(want), &w)
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("frame %s\nwant  %s", f, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscriber on the other gateway got nothing")
	}
}

// TestNATSOutageThroughGateway: NATS stopped mid-run; the gateway answers
// UNAVAILABLE (14), never an ack, and /readyz says 503; NATS restarted on
// its store, the gateway is ready again and acks; acks equal stored
// messages.
func TestNATSOutageThroughGateway(t *testing.T) {
	ns := natstest.RunRestartable(t)
	url := ns.URL()
	addr, _, _ := startServe(t, natsGateway(t, url))
	c := dialWS(t, "ws://"+addr+"/ws")
	acks := 0
	for i := range 20 {
		if c.send(fmt.Sprintf("a-%d", i)) != 0 {
			t.Fatal("not acked with NATS up")
		}
		acks++
	}
	if readyz(t, addr) != 200 {
		t.Fatal("not ready with NATS up")
	}
	ns.Stop()
	for i := range 10 {
		if code := c.send(fmt.Sprintf("b-%d", i)); code != 14 {
			t.Fatalf("NATS down: code %d, want 14", code)
		}
	}
	if readyz(t, addr) != 503 {
		t.Fatal("ready with NATS down")
	}
	ns.Start()
	testkit.WaitFor(t, 10*time.Second, "ready after NATS restarted", func() bool { return readyz(t, addr) == 200 })
	for i := range 20 {
		if c.send(fmt.Sprintf("c-%d", i)) != 0 {
			t.Fatal("not acked after NATS restarted")
		}
		acks++
	}
	if got := testkit.StoredIDs(t, url, "EVENTS"); len(got) != acks {
		t.Fatalf("%d acks, %d stored: %v", acks, len(got), got)
	}
}

// TestNATSActionNeedsServers: a nats action without nats.servers stops
// the start with a configuration error (exit code 2).
func TestNATSActionNeedsServers(t *testing.T) {
	cfg := "schemas: {dir: " + repoSchemas(t) + "}\nactions:\n  stream: {kind: nats}\n"
	dir := t.TempDir()
	path := dir + "/c.yaml"
	testkit.WriteFile(t, path, []byte(cfg))
	err := run(context.Background(), []string{"serve", "--config", path, "--listen", "127.0.0.1:0"},
		strings.NewReader(""), &testkit.Buffer{}, &testkit.Buffer{})
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "nats.servers") {
		t.Fatalf("exit %d: %v", exitCode(err), err)
	}
}

// TestShippedNATSConfigs: the cluster example loads as it is, and the
// nats section documented (commented out) in configs/schemagate.yaml,
// once uncommented, loads and says the defaults the code has.
func TestShippedNATSConfigs(t *testing.T) {
	load := func(path string) config.Config {
		t.Helper()
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		configFlags(fs)
		_ = fs.Set("config", path)
		_ = fs.Set("schemas", repoSchemas(t))
		cfg, err := loadConfig(fs, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return cfg
	}
	if c := load("../../configs/nats-cluster.yaml"); len(c.NATS.Servers) != 3 || c.NATS.Replicas != 3 {
		t.Fatalf("nats-cluster.yaml: %+v", c.NATS)
	}
	shipped, err := os.ReadFile("../../configs/schemagate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(shipped)
	i := strings.Index(text, "\n# nats:\n")
	if i < 0 {
		t.Fatal("configs/schemagate.yaml documents no nats section")
	}
	var b strings.Builder
	b.WriteString(text[:i+1])
	for _, line := range strings.Split(text[i+1:], "\n") {
		b.WriteString(strings.TrimPrefix(line, "# ") + "\n")
	}
	path := t.TempDir() + "/uncommented.yaml"
	testkit.WriteFile(t, path, []byte(b.String()))
	got, want := load(path).NATS, config.Default().NATS
	if fmt.Sprint(got.Servers) != "[nats://127.0.0.1:4222]" {
		t.Fatalf("the uncommented section was not read: servers %v", got.Servers)
	}
	got.Servers, got.FanOut.Types = nil, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("documented %+v\ndefaults   %+v", got, want)
	}
}

// TestGatewayStartsBeforeNATS: a gateway whose NATS is not up yet starts
// anyway, unready and refusing with UNAVAILABLE, and becomes ready and
// acks once NATS comes up; its fan-out starts then too.
func TestGatewayStartsBeforeNATS(t *testing.T) {
	url := "nats://" + freePort(t)
	addr, _, _ := startServe(t, natsGateway(t, url))
	if readyz(t, addr) != 503 {
		t.Fatal("ready without NATS")
	}
	c := dialWS(t, "ws://"+addr+"/ws")
	if code := c.send("before"); code != 14 {
		t.Fatalf("without NATS: code %d, want 14", code)
	}
	natstest.Run(t, t.TempDir(), natstest.Port(t, url))
	testkit.WaitFor(t, 10*time.Second, "ready once NATS is up", func() bool { return readyz(t, addr) == 200 })
	if code := c.send("after"); code != 0 {
		t.Fatalf("with NATS: code %d", code)
	}
}

// TestNATSFromEnvironment: every nats key has its SCHEMAGATE_ variable,
// lists comma-separated, so secrets stay out of files.
func TestNATSFromEnvironment(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	configFlags(fs)
	_ = fs.Set("config", "../../configs/schemagate.yaml")
	_ = fs.Set("schemas", repoSchemas(t))
	cfg, err := loadConfig(fs, []string{
		"SCHEMAGATE_NATS_SERVERS=nats://127.0.0.1:4222,nats://127.0.0.1:4223",
		"SCHEMAGATE_NATS_TOKEN=s3cret", "SCHEMAGATE_NATS_TLS_CA=/etc/ca.pem",
		"SCHEMAGATE_NATS_PUBLISH_TIMEOUT=5s", "SCHEMAGATE_NATS_FANOUT_TYPES=person,order.placed",
	})
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.NATS
	if fmt.Sprint(n.Servers) != "[nats://127.0.0.1:4222 nats://127.0.0.1:4223]" || n.Token != "s3cret" ||
		n.TLS.CA != "/etc/ca.pem" || n.PublishTimeout != 5*time.Second || fmt.Sprint(n.FanOut.Types) != "[person order.placed]" {
		t.Fatalf("%+v", n)
	}
}
