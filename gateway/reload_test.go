package gateway_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/gateway"
	"github.com/schemagate/schemagate/gateway/client"
	"github.com/schemagate/schemagate/gateway/wire"
	"github.com/schemagate/schemagate/internal/events"
	"github.com/schemagate/schemagate/internal/testkit"
)

// copyFile copies the shipped schema at rel into dir.
func copyFile(t *testing.T, dir, rel string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../schemas", rel))
	if err != nil {
		t.Fatal(err)
	}
	testkit.WriteFile(t, filepath.Join(dir, rel), b)
}

// An embedded gateway reloads too: the configuration it was loaded from
// is read again, a version added to the tree serves at once, and the
// typed handler registered before Run still answers on the new
// generation.
func TestEmbeddedGatewayReloads(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "schemas")
	for _, rel := range []string{"_defs/common.json", "person/v1.json", "echo/v1.json"} {
		copyFile(t, tree, rel)
	}
	file := filepath.Join(dir, "config.yaml")
	testkit.WriteFile(t, file, []byte("schemas: {dir: "+tree+"}\ngrpc: {listen: ''}\ndefault_actions: []\n"))
	lo := gateway.LoadOptions{File: file}
	cfg, err := gateway.LoadConfig(lo)
	if err != nil {
		t.Fatal(err)
	}
	g := gateway.New(cfg, gateway.Options{Stderr: io.Discard, Reload: &lo})
	gateway.Handle(g, func(_ context.Context, ev gateway.Event[events.PersonV1]) (any, error) {
		return map[string]string{"hello": ev.Data.Name}, nil
	})
	wsURL, httpURL := start(t, g)
	c, err := client.New(wsURL, client.Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	v2 := wire.Key{Type: "person", Version: 2}
	v2data := []byte(`{"name":"John","age":30,"city":"New York"}`)
	if _, err := c.SendData(ctx, v2, "", v2data); err == nil {
		t.Fatal("person v2 accepted before the tree had it")
	}

	copyFile(t, tree, "person/v2.json")
	resp, err := http.Post(httpURL+"/v1/admin/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"person v2"`) {
		t.Fatalf("reload: %d %s", resp.StatusCode, body)
	}
	if _, err := c.SendData(ctx, v2, "", v2data); err != nil {
		t.Fatalf("person v2 after the reload that added it: %v", err)
	}
	r, err := c.Send(ctx, events.PersonV1{Name: "John", Age: 30, City: "New York"})
	if err != nil || string(r.Result) != `{"hello":"John"}` {
		t.Fatalf("the typed handler after the reload: %+v %v", r, err)
	}
}
